import type { JobRuntime } from '../runtime/job-runtime.ts';
import type { CheckpointStorage } from './checkpoint-storage.ts';
import { decodeTime, type Manifest } from './manifest.ts';
import { stateId } from './operator-id.ts';
import { decodeState } from './snapshot-codec.ts';
import { loadKeyedState } from './keyed-files.ts';

/** Options of a restore. */
export interface RestoreOptions {
  /** Skip state in the checkpoint that no operator of the job claims (default: that is an error). */
  readonly allowNonRestoredState?: boolean;
}

/**
 * Puts a checkpoint back into a freshly built runtime, before its operators open: keyed state
 * (full snapshot, then each delta in order), operator-local state, watermarks, and source
 * positions. Returns the sink tokens to recover once the sinks are open.
 *
 * @example
 * const tokens = await restoreRuntime(runtime, storage, manifest);
 */
export async function restoreRuntime(rt: JobRuntime, storage: CheckpointStorage, m: Manifest, options: RestoreOptions = {}): Promise<Map<number, unknown>> {
  const claimed = new Set<string>();
  for (const node of rt.nodes) {
    const plan = rt.plan.nodes[node.id];
    if (plan.kind === 'source' || plan.kind === 'sink') continue;
    const id = stateId(plan);
    const entry = m.operators.find((o) => o.id === id);
    if (entry === undefined) continue;
    if (entry.kind !== plan.kind) {
      throw new Error(`cannot restore '${id}': the ${m.kind} holds state of a ${entry.kind} operator, the job has a ${plan.kind} there; give operators stable uids`);
    }
    claimed.add(id);
    const op = node.op;
    if (entry.local !== null && op?.restore !== undefined) {
      const local = decodeState(await storage.readFile(entry.local));
      try {
        op.restore(local);
      } catch (e) {
        throw new Error(`cannot restore '${id}' (${entry.kind}) from ${entry.local.path}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (entry.keyed.length > 0 && op?.backend !== undefined) await loadKeyedState(op.backend, storage, entry.keyed);
    node.restoreWatermarks(decodeTime(entry.watermark), entry.inputWatermarks.map(decodeTime));
  }
  const unclaimed = m.operators.filter((o) => (o.local !== null || o.keyed.length > 0) && !claimed.has(o.id));
  if (unclaimed.length > 0 && options.allowNonRestoredState !== true) {
    throw new Error(
      `the ${m.kind} has state for operators this job does not have: ${unclaimed.map((o) => `'${o.id}' (${o.kind})`).join(', ')}; ` +
        'give operators the same uid() as before, or allow non-restored state to drop it',
    );
  }
  rt.sources.forEach((task, i) => {
    const id = stateId(rt.plan.nodes[rt.sourceNodeIds[i]]);
    const entry = m.sources.find((s) => s.id === id);
    if (entry === undefined) return;
    task.restoreState(entry.position, entry.splitWatermarks.map(decodeTime));
    task.node.restoreWatermarks(decodeTime(entry.watermark), []);
  });
  const tokens = new Map<number, unknown>();
  for (const w of rt.writers) {
    const entry = m.sinks.find((s) => s.id === stateId(rt.plan.nodes[w.node.id]));
    if (entry !== undefined) tokens.set(w.node.id, entry.token);
  }
  return tokens;
}
