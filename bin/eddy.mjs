#!/usr/bin/env node
// The `eddy` command. Plain JavaScript so that Node can start it with no flags; everything after
// the two loader registrations below is TypeScript (src/cli/main.ts).
//
// 1. tsx compiles TypeScript on import: Eddy's own sources and the user's job file.
// 2. A resolve hook adds the 'eddy-source' export condition, so `import ... from 'eddy'` in a job
//    file gets src/index.ts: the same module instances the CLI itself runs on, not dist/ (which
//    may be missing or stale). Only packages that declare that condition (Eddy) are affected.
//    When a job file lives outside any package that can see 'eddy' (say /tmp/job.ts), the hook
//    resolves 'eddy' and 'eddy/...' against this package instead of failing.
// Both hooks run in Node's loader thread (module.register, Node >= 20.6); the last registered
// runs first, so ours sees the request before tsx does.
import { register as registerLoader } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

const packageJson = new URL('../package.json', import.meta.url).href;

const hooks = `
const PACKAGE_JSON = ${JSON.stringify(packageJson)};
export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes('eddy-source') ? context.conditions : [...context.conditions, 'eddy-source'];
  try {
    return await next(specifier, { ...context, conditions });
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !(specifier === 'eddy' || specifier.startsWith('eddy/'))) throw e;
    return next(specifier, { ...context, conditions, parentURL: PACKAGE_JSON });
  }
}
`;

registerTsx();
registerLoader(`data:text/javascript,${encodeURIComponent(hooks)}`);

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
// A job file may leave handles open (a client it never closed); the job is over, so is the command.
process.exit();
