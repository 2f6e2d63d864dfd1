import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
