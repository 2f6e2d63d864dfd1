import {
  describeTables, lookupKey, readKeyedState, renderCheckpoint, renderKeyValues, renderTables, summarizeCheckpoint,
} from '../checkpoint/inspect.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';

/**
 * Options of `eddy inspect`.
 *
 * @example
 * const options: InspectOptions = { path: 'savepoints/sp-1', operator: 'counter', key: 'k1', verbose: false };
 */
export interface InspectOptions {
  /** A checkpoint or savepoint directory, or a checkpoint root (its newest valid checkpoint). */
  readonly path: string;
  readonly operator: string | null;
  readonly key: string | null;
  readonly verbose: boolean;
}

/**
 * `eddy inspect PATH [--operator ID [--key KEY]]`: describes a checkpoint or savepoint (its
 * operators, sources and sinks), one operator's state tables, or one key's state. Returns the
 * exit code: 0, or 1 when the path holds no usable checkpoint, the operator is not there, or the
 * key has no state.
 *
 * @example
 * process.exitCode = await inspectCommand({ path: '.eddy/checkpoints/clicks', operator: null, key: null, verbose: false });
 */
export async function inspectCommand(options: InspectOptions): Promise<number> {
  try {
    const opened = await openCheckpoint(options.path);
    if (options.operator === null) {
      process.stdout.write(renderCheckpoint(summarizeCheckpoint(opened)));
      return 0;
    }
    const m = opened.manifest;
    process.stdout.write(`${m.kind} ${m.id} of job '${m.job}' at ${opened.dir}\n`);
    const state = await readKeyedState(opened, options.operator);
    if (options.key === null) {
      process.stdout.write(renderTables(options.operator, describeTables(state)));
      return 0;
    }
    const found = lookupKey(state, options.key);
    (found.length > 0 ? process.stdout : process.stderr).write(renderKeyValues(options.operator, options.key, found));
    return found.length > 0 ? 0 : 1;
  } catch (e) {
    const message = e instanceof Error ? (options.verbose ? e.stack ?? e.message : e.message) : String(e);
    process.stderr.write(`eddy inspect: ${message}\n`);
    return 1;
  }
}
