// Module hooks of the eddy command, run in Node's loader thread (bin/eddy.mjs registers them with
// module.register and says why they are there).
/** @type {{ packageJson: string, source: boolean, typescript: 'tsx' | 'node' | null }} */
let options;

export function initialize(data) {
  options = data;
}

export async function resolve(specifier, context, next) {
  const conditions = !options.source || context.conditions.includes('eddy-source') ? context.conditions : [...context.conditions, 'eddy-source'];
  try {
    return await next(specifier, { ...context, conditions });
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    if (specifier === 'eddy' || specifier.startsWith('eddy/')) return next(specifier, { ...context, conditions, parentURL: options.packageJson });
    // TypeScript under module "nodenext" names a sibling ./pipeline.ts as './pipeline.js'; tsx maps
    // that back, Node's own type stripping does not.
    const ts = options.typescript === 'node' && /^\.\.?\//.test(specifier) && /\.[cm]?ts$/.test(context.parentURL ?? '')
      ? specifier.replace(/\.(m?)js$/, '.$1ts') : specifier;
    if (ts === specifier) throw e;
    return next(ts, { ...context, conditions });
  }
}

export async function load(url, context, next) {
  if (options.typescript === null && url.startsWith('file:') && /\.[cm]?ts$/.test(url)) {
    throw new Error(`${decodeURIComponent(new URL(url).pathname)} is TypeScript, and Node ${process.version} cannot strip types ` +
      '(22.18 and later can). Install tsx in your project (npm install --save-dev tsx), which eddy then uses to run ' +
      'TypeScript job files, or compile the job and run the .js file.');
  }
  return next(url, context);
}
