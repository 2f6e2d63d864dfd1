import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration } from './format.ts';
import { checkJobFile, type JobCheckOptions } from './job-check.ts';

/**
 * The type check `eddy run` and `eddy explain` make before they load a job file: null when the
 * file may load, else the exit code after the compiler's errors were printed (1), or after saying
 * that there is no TypeScript to check with (2). A job that does not compile never runs: a
 * misspelt field would otherwise run and write wrong results. `--no-check` skips this.
 *
 * @example
 * const refused = checkBeforeLoading('run', job.url, { quiet: false, verbose: false });
 * if (refused !== null) return refused;
 */
export function checkBeforeLoading(
  command: 'run' | 'explain',
  jobUrl: string,
  options: { readonly quiet?: boolean; readonly verbose: boolean } & JobCheckOptions,
): number | null {
  const path = fileURLToPath(jobUrl);
  const shown = relative(options.cwd ?? process.cwd(), path) || path;
  const say = (line: string) => void process.stderr.write(`eddy ${command}: ${line}\n`);
  // A first check takes seconds (the compiler reads Eddy's and Node's type definitions): say why
  // nothing happens yet, where someone is watching.
  if (process.stderr.isTTY && options.quiet !== true) process.stderr.write(`eddy: type-checking ${shown} ...\r`);
  const check = checkJobFile(path, options);
  if (process.stderr.isTTY && options.quiet !== true) process.stderr.write('\x1b[2K');
  switch (check.kind) {
    case 'not-typescript':
      return null;
    case 'passed':
      if (options.verbose) say(`${shown} type-checked with ${check.compiler}: no errors (${check.cached ? 'unchanged since its last check, ' : ''}${formatDuration(check.ms)})`);
      return null;
    case 'unavailable':
      say(`cannot type-check ${shown}: ${check.reason}. Install it (npm install --save-dev typescript), or run with --no-check to ${command} it unchecked.`);
      return 2;
    case 'failed':
      say(`${shown} does not compile, so it does not ${command === 'run' ? 'run' : 'load'} (${check.errors} error${check.errors === 1 ? '' : 's'}, ${check.compiler}; --no-check skips this check):`);
      process.stderr.write(`${check.report}\n`);
      return 1;
  }
}
