import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Finds the job file named on the command line (relative to `cwd`): its URL to import, or what
 * is wrong with the path.
 *
 * @example
 * locateJobFile('examples/clicks-per-minute/job.ts'); // { url: 'file:///.../job.ts' }
 * locateJobFile('nope.ts'); // { problem: "no job file at 'nope.ts' (looked for /work/nope.ts)" }
 */
export function locateJobFile(path: string, cwd = process.cwd()): { readonly url: string } | { readonly problem: string } {
  const absolute = resolve(cwd, path);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (stat === undefined) return { problem: `no job file at '${path}' (looked for ${absolute})` };
  if (!stat.isFile()) return { problem: `'${path}' is not a file; give the job's .ts or .js file` };
  return { url: pathToFileURL(absolute).href };
}

/**
 * Runs `load` with process.argv as `node <job file> ...args` would have it (the job file sees its
 * own path and the arguments given after `--`), and puts the CLI's argv back when it settles.
 *
 * @example
 * await withJobArgv(job.url, ['--limit', '5'], () => import(job.url)); // the job sees process.argv.slice(2) = ['--limit', '5']
 */
export async function withJobArgv<R>(jobUrl: string, args: readonly string[], load: () => Promise<R>): Promise<R> {
  const saved = process.argv;
  process.argv = [saved[0], fileURLToPath(jobUrl), ...args];
  try {
    return await load();
  } finally {
    process.argv = saved;
  }
}
