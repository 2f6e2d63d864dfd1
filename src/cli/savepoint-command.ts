import { isObjectStoreUrl, localDirOf, normalizeLocation, parentOf } from '../checkpoint/checkpoint-location.ts';
import { JobUnreachableError, sendControlRequest } from '../job/control-client.ts';
import { type Clock, systemClock } from '../time/clock.ts';

/**
 * Options of `eddy savepoint`.
 *
 * @example
 * const options: SavepointOptions = { dir: '.eddy/checkpoints/clicks', to: null, stop: true, verbose: false };
 */
export interface SavepointOptions {
  /** The checkpoint directory of the running job. */
  readonly dir: string;
  /** Where to write the savepoint; null for `<dir>/../savepoints/sp-<time>`. */
  readonly to: string | null;
  /** Stop the job once the savepoint is written. */
  readonly stop: boolean;
  readonly verbose: boolean;
  /** Names the default savepoint (default: the system clock). */
  readonly clock?: Clock;
}

/**
 * `eddy savepoint <checkpoint-dir> [--to PATH] [--stop]`: asks the job running with that
 * checkpoint directory (or `s3://` location, for a job on this machine), over its control socket, for a savepoint (and to stop after it with
 * `--stop`), waits until it is durable and prints its path on stdout. Returns the exit code: 0,
 * or 1 when no job runs there or the savepoint failed (the reason on stderr).
 *
 * @example
 * process.exitCode = await savepointCommand({ dir: '.eddy/checkpoints/clicks', to: null, stop: false, verbose: false });
 */
export async function savepointCommand(options: SavepointOptions): Promise<number> {
  const dir = normalizeLocation(options.dir);
  const path = options.to === null ? defaultSavepointPath(dir, (options.clock ?? systemClock).now()) : normalizeLocation(options.to);
  const fail = (message: string) => {
    process.stderr.write(`eddy savepoint: ${message}\n`);
    return 1;
  };
  try {
    // A job checkpointing to an object store listens in its local directory on this machine.
    const answer = await sendControlRequest(localDirOf(dir), { cmd: options.stop ? 'stop-with-savepoint' : 'savepoint', path });
    if (!answer.ok) return fail(`the job did not take the savepoint: ${answer.error}`);
    if (!('path' in answer)) return fail(`unexpected answer from the job: ${JSON.stringify(answer)}`);
    process.stdout.write(`${answer.path}\n`);
    if (options.stop) process.stderr.write('eddy savepoint: the job is stopping\n');
    return 0;
  } catch (e) {
    if (e instanceof JobUnreachableError) {
      return fail(isObjectStoreUrl(dir) ? `no job checkpointing to ${dir} runs on this machine (${e.message}); run the command where the job runs, with the same localDir` : e.message);
    }
    throw e;
  }
}

/**
 * Where a savepoint goes when `--to` is not given: `savepoints/sp-<UTC time>` next to the
 * checkpoint directory (outside it, so that `run --fresh`, which deletes the checkpoints, keeps it).
 *
 * @example
 * defaultSavepointPath('/data/ckpt', 0); // '/data/savepoints/sp-1970-01-01T00-00-00.000Z'
 */
export function defaultSavepointPath(checkpointDir: string, now: number): string {
  return `${parentOf(checkpointDir)}/savepoints/sp-${new Date(now).toISOString().replace(/:/g, '-')}`;
}
