import { cliHook } from './cli-hook.ts';

/**
 * True while `eddy explain` loads this job file. Explain runs the file up to the call that starts
 * its job (`execute`, `executeAsync`), shows the graph and stops there: Eddy starts nothing of the
 * job, and nothing after that call runs. What the file does before it is the file's own code and
 * runs too, so guard there what only a real run should do: create tables, start a server, write
 * files.
 *
 * @example
 * if (!isExplaining()) await createTables(pool);
 * const health = isExplaining() ? null : startHealthServer(8080);
 */
export function isExplaining(): boolean {
  return cliHook()?.mode === 'explain';
}
