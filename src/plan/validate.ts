import type { Plan } from './plan.ts';
import { consumersOf } from './plan.ts';

/**
 * Checks a plan before it runs and says what is wrong in the user's terms.
 *
 * @example
 * validatePlan(env.plan()); // throws "job has no sink: ..."
 */
export function validatePlan(plan: Plan): void {
  const sources = plan.nodes.filter((n) => n.kind === 'source');
  if (sources.length === 0) throw new Error('job has no source: add one with env.fromSource(...) or env.fromCollection(...)');
  const sinks = plan.nodes.filter((n) => n.kind === 'sink');
  if (sinks.length === 0) throw new Error('job has no sink: nothing would be written; add one with stream.sinkTo(...)');
  const uids = new Map<string, string>();
  for (const n of plan.nodes) {
    if (n.uid === null) continue;
    const other = uids.get(n.uid);
    if (other !== undefined) throw new Error(`uid '${n.uid}' is used by both '${other}' and '${n.name}'; uids must be unique in a job`);
    uids.set(n.uid, n.name);
  }
  for (const n of plan.nodes) {
    if (n.kind === 'sink' || n.kind === 'side-output') continue;
    if (consumersOf(plan, n.id).length === 0 && n.kind !== 'source') {
      // A dangling operator does work whose result goes nowhere: almost always a forgotten sinkTo.
      throw new Error(`operator '${n.name}' has no consumer: its output goes nowhere; add .sinkTo(...) or remove it`);
    }
  }
}
