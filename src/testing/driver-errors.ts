import type { DataStream, DataStreamSink } from '../api/data-stream.ts';
import type { StreamEnvironment } from '../api/stream-environment.ts';
import type { Plan } from '../plan/plan.ts';

/**
 * Throws when a stream or sink handle given to the test driver was built on another environment
 * than the driver's: its id would name another node of this job (or none), so the driver would
 * silently capture the wrong stream.
 *
 * @example
 * refuseForeign(env, 'output', counts); // throws if counts was built on another environment
 */
export function refuseForeign(env: StreamEnvironment, method: string, handle: DataStream<unknown> | DataStreamSink): void {
  const name = env.foreignHandle(handle);
  if (name === null) return;
  throw new Error(
    `driver.${method}(): '${name}' was built on another StreamEnvironment than the one this driver runs; `
      + 'pass a stream of the environment given to StreamTestDriver.create(env) (a function that builds the job should take env as a parameter and return its streams)',
  );
}

/**
 * "no sink named 'x'", with the names the job's sinks do have (a job has one at least: the plan
 * is refused without).
 *
 * @example
 * throw new Error(noSinkNamed('count', plan)); // "no sink named 'count'; the job's sinks are 'counts', 'late' (...)"
 */
export function noSinkNamed(name: string, plan: Plan): string {
  const sinks = plan.nodes.filter((n) => n.kind === 'sink').map((n) => `'${n.name}'`);
  return `no sink named '${name}'; the job's sinks are ${sinks.join(', ')}`
    + " (a sink is named with .sinkTo(sink).name('counts'); or pass the stream or the sink's handle)";
}
