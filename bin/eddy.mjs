#!/usr/bin/env node
// The `eddy` command. Plain JavaScript so that Node can start it with no flags.
//
// Installed from npm, it runs the compiled CLI in dist/. In a checkout of the repository (src/
// is there) it runs the TypeScript sources instead, with no build step:
// 1. tsx compiles TypeScript on import: Eddy's own sources (they use syntax Node cannot strip)
//    and the user's job file.
// 2. A resolve hook adds the 'eddy-source' export condition, so `import ... from 'eddy'` in a job
//    file gets src/index.ts: the same module instances the CLI itself runs on, not dist/ (which
//    may be missing or stale). Only packages that declare that condition (Eddy) are affected.
// Installed, a TypeScript job file is run by tsx if the project has it (all of TypeScript), else
// by Node itself where Node strips types (22.18 and later; erasable syntax only, and a start-up
// about 0.25 s of CPU shorter than with tsx); otherwise the command says what to install.
// In both cases, when a job file lives outside any package that can see 'eddy' (say
// /tmp/job.ts), the hook resolves 'eddy' and 'eddy/...' against this package instead of failing,
// and under tsx a job file written as an ES module loads as one wherever it lives (see there).
// The hooks (bin/loader-hooks.mjs) run in Node's loader thread (module.register, Node >= 20.6);
// the last registered runs first, so ours sees the request before tsx does.
import { existsSync } from 'node:fs';
import { register as registerLoader } from 'node:module';

const root = new URL('../', import.meta.url);
const fromSource = existsSync(new URL('src/cli/main.ts', root));
const tsx = await import('tsx/esm/api').catch((e) => (e?.code === 'ERR_MODULE_NOT_FOUND' ? null : Promise.reject(e)));
if (fromSource && tsx === null) {
  process.stderr.write('eddy: running from a checkout of the repository needs its dev dependencies (npm ci)\n');
  process.exit(1);
}

tsx?.register();
registerLoader('./loader-hooks.mjs', import.meta.url, {
  data: {
    packageJson: new URL('package.json', root).href,
    source: fromSource,
    typescript: tsx !== null ? 'tsx' : process.features.typescript ? 'node' : null,
  },
});

const { main } = await import(fromSource ? '../src/cli/main.ts' : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
// A job file may leave handles open (a client it never closed); the job is over, so is the command.
process.exit();
