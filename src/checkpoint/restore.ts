import { Later, restoreCut, type KeyedLink, type StoredCut, type StoredOperator } from '../runtime/graph-cut.ts';
import type { RunningGraph } from '../runtime/running-graph.ts';
import type { StateChanges } from '../state/state-table.ts';
import type { CheckpointStorage } from './checkpoint-storage.ts';
import { readLmdbCopy } from './keyed-files.ts';
import { decodeTime, type FileRef, type Manifest } from './manifest.ts';
import { stateId } from './operator-id.ts';
import { decodeState } from './snapshot-codec.ts';

/** Options of a restore. */
export interface RestoreOptions {
  /** Skip state in the checkpoint that no operator of the job claims (default: that is an error). */
  readonly allowNonRestoredState?: boolean;
}

/**
 * Puts a checkpoint back into a freshly built running graph, before its operators open, through the
 * graph cut: the manifest's entries are matched to the job's operators by uid (or name), and
 * their files are read one at a time as the cut goes back (keyed state: the full snapshot or
 * LMDB copy, then each delta in order). Returns the sink tokens to recover once the sinks are open.
 *
 * @example
 * const tokens = await restoreGraph(graph, storage, manifest);
 */
export async function restoreGraph(rt: RunningGraph, storage: CheckpointStorage, m: Manifest, options: RestoreOptions = {}): Promise<Map<number, unknown>> {
  const plan = rt.plan.nodes;
  const byId = new Map(plan.map((n) => [stateId(n), n]));
  const operators: StoredOperator[] = [];
  const claimed = new Set<string>();
  for (const entry of m.operators) {
    const n = byId.get(entry.id);
    if (n === undefined || n.kind === 'source' || n.kind === 'sink') continue;
    if (entry.kind !== n.kind) {
      throw new Error(`cannot restore '${entry.id}': the ${m.kind} holds state of a ${entry.kind} operator, the job has a ${n.kind} there; give operators stable uids`);
    }
    claimed.add(entry.id);
    const local = entry.local;
    operators.push({
      node: n.id, label: `'${entry.id}' (${entry.kind})`,
      local: local === null ? undefined : new Later(async () => decodeState(await storage.readFile(local))),
      localFrom: local?.path ?? null,
      keyed: entry.keyed.map((ref, i) => keyedLink(storage, ref, i === 0)),
      watermark: decodeTime(entry.watermark), inputWatermarks: entry.inputWatermarks.map(decodeTime),
    });
  }
  const unclaimed = m.operators.filter((o) => (o.local !== null || o.keyed.length > 0) && !claimed.has(o.id));
  if (unclaimed.length > 0 && options.allowNonRestoredState !== true) {
    throw new Error(
      `the ${m.kind} has state for operators this job does not have: ${unclaimed.map((o) => `'${o.id}' (${o.kind})`).join(', ')}; ` +
        'give operators the same uid() as before, or allow non-restored state to drop it',
    );
  }
  const nodeOf = (id: string) => byId.get(id)?.id;
  const cut: StoredCut = {
    operators,
    sources: m.sources.flatMap((s) => {
      const node = nodeOf(s.id);
      return node === undefined || plan[node].kind !== 'source' ? [] : [{
        node, position: s.position, splitWatermarks: s.splitWatermarks.map(decodeTime), watermark: decodeTime(s.watermark),
      }];
    }),
    sinks: m.sinks.flatMap((s) => {
      const node = nodeOf(s.id);
      return node === undefined || plan[node].kind !== 'sink' ? [] : [{ node, token: s.token }];
    }),
  };
  return restoreCut(rt, cut);
}

/** A keyed-state file as a link of the chain, read when its turn comes. */
function keyedLink(storage: CheckpointStorage, ref: FileRef, first: boolean): Later<KeyedLink> | KeyedLink {
  if (ref.format === 'lmdb') {
    return new Later(async () => {
      const dir = await storage.copyOf(ref);
      return { kind: 'copy', dir, asSnapshot: () => readLmdbCopy(dir) };
    });
  }
  return new Later(async () => {
    const data = decodeState(await storage.readFile(ref));
    return first ? { kind: 'full', state: data } : { kind: 'delta', changes: data as StateChanges };
  });
}
