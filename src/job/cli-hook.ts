import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import type { ResolvedWebOptions } from '../ui/web-options.ts';
import type { JobHandle } from './job-handle.ts';

/**
 * How the `eddy` CLI learns about jobs that a job file starts: the CLI installs a hook on a
 * global symbol before importing the file (a symbol, so that a job file that imports another copy
 * of Eddy still finds it). In `explain` mode a job's launch hands its graph to `explained` and
 * throws what that returns, which stops the job file there.
 */
export interface CliHook {
  readonly mode: 'run' | 'explain';
  /** Overrides where jobs with checkpoints start (`--fresh`, `--from-checkpoint`, `--from-savepoint`). */
  readonly restore?: RestoreRequest;
  /** Serves the dashboard of each job the file starts (`--web-port`), overriding the job's own `web` option. */
  readonly web?: ResolvedWebOptions;
  started(job: JobHandle): void;
  /** Under `eddy explain`: the graph of the job being launched; returns the error to stop the job file with. */
  explained?(jobName: string, text: string): Error;
}

const KEY = Symbol.for('eddy.cli-hook');

/** The installed hook, if the job runs under the CLI. */
export function cliHook(): CliHook | undefined {
  return (globalThis as Record<symbol, CliHook | undefined>)[KEY];
}

/** Installs the CLI hook (the CLI calls this before importing a job file). */
export function installCliHook(hook: CliHook): void {
  (globalThis as Record<symbol, CliHook | undefined>)[KEY] = hook;
}
