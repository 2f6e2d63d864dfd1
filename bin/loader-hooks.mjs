// Module hooks of the eddy command, run in Node's loader thread (bin/eddy.mjs registers them with
// module.register and says why they are there).
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {{ packageJson: string, source: boolean, typescript: 'tsx' | 'node' | null }} */
let options;

export function initialize(data) {
  options = data;
}

export async function resolve(specifier, context, next) {
  const conditions = !options.source || context.conditions.includes('eddy-source') ? context.conditions : [...context.conditions, 'eddy-source'];
  try {
    const resolved = await next(specifier, { ...context, conditions });
    return options.typescript === 'tsx' && isUndeclaredModule(resolved) ? { ...resolved, format: 'module' } : resolved;
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

// A user's .ts or .js file written as an ES module (import/export statements, top-level await)
// loads as one when no package.json around it says which it is: no package.json, or one without
// "type". That is Node's own rule for such files (syntax detection, which Node's type stripping
// applies too); tsx instead compiles them to CommonJS, where a job file's top-level
// `await env.execute()` fails ("Cannot require() ES Module ... in a cycle"). An explicit
// "type": "commonjs" is respected.
const DETECTED = new Set(['.ts', '.tsx', '.js', '.jsx']);
/** A statement at the start of a line that only an ES module may contain. */
const MODULE_SYNTAX = /^(?:import\s*[\w{*'"]|import\s+type\b|export\s|export\{|(?:(?:const|let|var)\s[^=\n]*=\s*)?await\s)/m;
/** The "type" of the nearest package.json of each directory looked at (null: none says). */
const typeOfDir = new Map();

/** A user's file (not an installed package's) that Node would detect as an ES module. */
function isUndeclaredModule({ url, format }) {
  if (!url.startsWith('file:') || url.includes('/node_modules/')) return false;
  if (format !== undefined && format !== null && format !== 'commonjs' && format !== 'commonjs-typescript') return false;
  const path = fileURLToPath(url);
  if (!DETECTED.has(extname(path)) || packageType(dirname(path)) !== null) return false;
  try {
    return MODULE_SYNTAX.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/** The "type" field of the package.json nearest to `dir`, or null when there is none or it has none. */
function packageType(dir) {
  if (typeOfDir.has(dir)) return typeOfDir.get(dir);
  let type = null;
  let text = null;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? null : packageType(parent);
  }
  if (text !== null) {
    try {
      type = JSON.parse(text).type ?? null;
    } catch {
      type = null;
    }
  }
  typeOfDir.set(dir, type);
  return type;
}
