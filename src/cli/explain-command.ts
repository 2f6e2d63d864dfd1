import { installCliHook } from '../job/cli-hook.ts';
import { describeError } from './describe-error.ts';

/**
 * `eddy explain job.ts`: imports the job file with the hook in explain mode, so each
 * `env.execute(name)` returns at once without running, and prints every job's graph to stdout.
 * Returns the exit code.
 *
 * @example
 * process.exitCode = await explainCommand(locateJobFile('job.ts').url, { verbose: false });
 */
export async function explainCommand(jobUrl: string, options: { readonly verbose: boolean }): Promise<number> {
  let explained = 0;
  installCliHook({
    mode: 'explain',
    started: (job) => job.cancel(),
    explained: (_jobName, text) => {
      process.stdout.write(`${explained++ > 0 ? '\n' : ''}${text}\n`);
    },
  });
  try {
    await import(jobUrl);
  } catch (e) {
    process.stderr.write(`eddy: ${describeError(e, options.verbose)}\n`);
    return 1;
  }
  if (explained === 0) {
    process.stderr.write('eddy: the job file defined no job to explain (does it call env.execute or env.executeAsync?)\n');
    return 1;
  }
  return 0;
}
