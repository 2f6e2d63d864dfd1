import { installCliHook } from '../job/cli-hook.ts';
import { describeError } from './describe-error.ts';

/**
 * `eddy explain job.ts`: imports the job file with the hook in explain mode and prints the graph
 * of the job it starts, to stdout. The file runs up to the call that would start the job
 * (`execute` or `executeAsync`) and stops there: no source, sink, dashboard or socket opens,
 * and nothing after that call runs (see `isExplaining` for what comes before it). Returns the exit
 * code.
 *
 * @example
 * process.exitCode = await explainCommand(locateJobFile('job.ts').url, { verbose: false });
 */
export async function explainCommand(jobUrl: string, options: { readonly verbose: boolean }): Promise<number> {
  const stops = new Set<Error>();
  installCliHook({
    mode: 'explain',
    started: (job) => job.cancel(),
    explained: (jobName, text) => {
      process.stdout.write(`${stops.size > 0 ? '\n' : ''}${text}\n`);
      const stop = new Error(`eddy explain stops the job file where it starts job '${jobName}' (the job does not run); this is not a failure, let it pass`);
      stop.name = 'ExplainStop';
      stops.add(stop);
      return stop;
    },
  });
  try {
    await import(jobUrl);
  } catch (e) {
    if (!(e instanceof Error && stops.has(e))) {
      process.stderr.write(`eddy: ${describeError(e, options.verbose)}\n`);
      return 1;
    }
  }
  if (stops.size === 0) {
    process.stderr.write('eddy: the job file defined no job to explain (does it call env.execute or env.executeAsync?)\n');
    return 1;
  }
  return 0;
}
