import {
  describeTables, lookupKey, readLocalSummaries, readOperatorState, renderCheckpoint, renderKeyValues, renderTables, summarizeCheckpoint,
} from '../checkpoint/inspect.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import { summarizeLocal, windowContents } from '../checkpoint/operator-state.ts';
import { renderWindows } from '../checkpoint/render-windows.ts';

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
 * operators with their state files, keyed state and what their local state holds, such as windows;
 * its sources and sinks), one operator's state (its tables, its windows with their contents), or
 * one key's state. Returns the exit code: 0, or 1 when the path holds no usable checkpoint, the
 * operator is not there or holds no state, or the key has no state.
 *
 * @example
 * process.exitCode = await inspectCommand({ path: '.eddy/checkpoints/clicks', operator: null, key: null, verbose: false });
 */
export async function inspectCommand(options: InspectOptions): Promise<number> {
  try {
    const opened = await openCheckpoint(options.path);
    if (options.operator === null) {
      process.stdout.write(renderCheckpoint(summarizeCheckpoint(opened, await readLocalSummaries(opened))));
      return 0;
    }
    const m = opened.manifest;
    process.stdout.write(`${m.kind} ${m.id} of job '${m.job}' at ${opened.dir}\n`);
    const { entry, local, keyed } = await readOperatorState(opened, options.operator);
    const summary = local === null ? null : summarizeLocal(local);
    const windows = summary?.kind === 'windows' || summary?.kind === 'panes' ? windowContents(local, keyed) : null;
    if (options.key === null) {
      if (keyed !== null) process.stdout.write(renderTables(entry.id, describeTables(keyed)));
      if (windows !== null) process.stdout.write(renderWindows(entry.id, windows, null));
      return 0;
    }
    const found = keyed === null ? [] : lookupKey(keyed, options.key);
    const inWindows = windows === null ? 0 : renderWindows(entry.id, windows, options.key).split('\n').length - 2;
    if (windows !== null && inWindows > 0) process.stdout.write(renderWindows(entry.id, windows, options.key));
    // A window operator's keyed tables are its contents by slot or pane, not by the job's key.
    if (found.length > 0 || inWindows === 0) (found.length > 0 ? process.stdout : process.stderr).write(renderKeyValues(entry.id, options.key, found));
    return found.length > 0 || inWindows > 0 ? 0 : 1;
  } catch (e) {
    const message = e instanceof Error ? (options.verbose ? e.stack ?? e.message : e.message) : String(e);
    process.stderr.write(`eddy inspect: ${message}\n`);
    return 1;
  }
}
