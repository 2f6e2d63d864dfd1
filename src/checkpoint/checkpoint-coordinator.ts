import type { OperatorEntry, SinkEntry, SourceEntry } from './manifest.ts';
import { encodeTime, type FileRef } from './manifest.ts';
import type { RunningGraph } from '../runtime/running-graph.ts';
import { commitSinks, cutGraph, notifyCheckpointComplete, sealSinks, type SinkCut, type SourceCut } from '../runtime/graph-cut.ts';
import type { ResolvedCheckpointConfig } from './checkpoint-config.ts';
import { basename } from 'node:path';
import { checkpointDirName, CheckpointStorage } from './checkpoint-storage.ts';
import { baseOf, normalizeLocation, parentOf, storeAt } from './checkpoint-location.ts';
import { stateId } from './operator-id.ts';
import { encodeState } from './snapshot-codec.ts';
import { LMDB_DATA_FILE } from './keyed-files.ts';
import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { CheckpointMetrics } from '../metrics/operator-metrics.ts';
import type { CheckpointHook } from '../runtime/checkpoint-hook.ts';
import { withTimeout } from '../time/timeout.ts';

interface Cut {
  readonly id: number;
  readonly startedAt: number;
  readonly syncMs: number;
  /**
   * Per operator: its encoded local and keyed state (null when it has none), or for a backend
   * that copies itself (LMDB), the copy under way into `copyDir`.
   */
  readonly operators: {
    entry: Omit<OperatorEntry, 'local' | 'keyed'>; local: Buffer | null; keyed: Buffer | null; keyedIsFull: boolean;
    copy: Promise<void> | null; copyDir: string | null;
  }[];
  readonly sources: SourceEntry[];
  readonly sinks: SinkEntry[];
  /** The same sources and sinks by plan node, for the notifications and commits once it is stored. */
  readonly sourceCuts: readonly SourceCut[];
  readonly sinkCuts: readonly SinkCut[];
}

/**
 * Takes checkpoints of a running job. The step loop calls `start` between rounds of source
 * batches: at that moment no record is in flight anywhere in the graph (every operator has
 * processed every batch handed to it), so barriers are in effect injected at every source at once
 * and aligned at every multi-input operator without waiting. The cut (runtime/graph-cut.ts) is
 * taken and encoded synchronously, sinks pre-commit, then the files are written while processing
 * goes on; when the manifest is durable, the sinks commit.
 *
 * Keyed state is incremental: each checkpoint writes what changed since the previous one, and a
 * full snapshot (or, for a backend that copies itself, a copy) every `maxDeltaChain` checkpoints,
 * when most keys changed, or after a failure, when a delta is lost.
 *
 * @example
 * const coordinator = new CheckpointCoordinator(graph, config, storage, log, startId);
 */
export class CheckpointCoordinator implements CheckpointHook {
  readonly history: CheckpointRecord[] = [];
  private nextId: number;
  private nextDue: number;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private fatal: Error | null = null;
  /** Keyed-state file chain per operator id, as of the last completed checkpoint. */
  private chains = new Map<string, FileRef[]>();
  private lastEnd = Number.NEGATIVE_INFINITY;
  /** The job's checkpoint metrics: this coordinator is their one owner. */
  private figures: CheckpointMetrics = { completed: 0, failed: 0, lastDurationMs: 0, lastBytes: 0, lastSyncMs: 0, alignmentMs: 0, restoreMs: 0 };
  private savepointRequests: { path: string; stop: (() => void) | null; resolve: (path: string) => void; reject: (e: Error) => void }[] = [];
  /** Called with each checkpoint's record once it has completed or failed (job-wide metrics). */
  onRecord: ((record: CheckpointRecord) => void) | null = null;

  constructor(
    private readonly graph: RunningGraph,
    private readonly config: ResolvedCheckpointConfig,
    private readonly storage: CheckpointStorage,
    private readonly log: (line: string) => void,
    startId: number,
  ) {
    this.nextId = startId + 1;
    this.nextDue = graph.clock.now() + config.intervalMs;
  }

  /** Throws if checkpoints have failed more often in a row than tolerated. */
  check(): void {
    if (this.fatal !== null) throw this.fatal;
  }

  get metrics(): CheckpointMetrics {
    return this.figures;
  }

  /** The run began by restoring state, which took `ms`. */
  restored(ms: number): void {
    this.figures = { ...this.figures, restoreMs: ms };
  }

  get pending(): boolean {
    return this.inFlight !== null;
  }

  /**
   * Whether `start` would start something now (a savepoint was asked for, or a checkpoint is
   * due): the step loop asks this every round, synchronously, and awaits only when it is true.
   */
  isDue(now: number): boolean {
    if (this.inFlight !== null) return false;
    return this.savepointRequests.length > 0 || (now >= this.nextDue && now >= this.lastEnd + this.config.minPauseMs);
  }

  /** Starts a checkpoint (or a requested savepoint) if one is due; resolves once processing may go on. */
  async start(now: number): Promise<void> {
    this.check();
    if (this.inFlight !== null) return;
    const sp = this.savepointRequests.shift();
    if (sp !== undefined) {
      await this.begin(now, sp.path);
      sp.stop?.();
      const id = this.nextId - 1;
      void this.inFlight!.then(() => {
        const rec = this.history.find((h) => h.id === id);
        if (rec?.status === 'completed') sp.resolve(normalizeLocation(sp.path));
        else sp.reject(new Error(`savepoint to ${sp.path} failed: ${rec?.error ?? 'unknown error'}`));
      });
      return;
    }
    if (now < this.nextDue || now < this.lastEnd + this.config.minPauseMs) return;
    await this.begin(now);
  }

  /** Asks for a savepoint at the next batch boundary; `stop` (if given) is called at its cut, to end the job right there. */
  async requestSavepoint(path: string, stop: (() => void) | null = null): Promise<string> {
    if ((await storeAt(parentOf(path), this.config).size(`${baseOf(path)}/MANIFEST.json`)) !== null) {
      throw new Error(`${normalizeLocation(path)} already holds a savepoint; choose another path`);
    }
    return new Promise((res, rej) => this.savepointRequests.push({ path, stop, resolve: res, reject: rej }));
  }

  /** Takes a checkpoint now (the last of a run); resolves when it has completed or failed. */
  async final(): Promise<CheckpointRecord> {
    if (this.inFlight !== null) await this.inFlight;
    await this.begin(this.graph.clock.now());
    await this.inFlight;
    return this.history[this.history.length - 1];
  }

  /** Waits for the checkpoint in flight, if any. */
  async drain(): Promise<void> {
    if (this.inFlight !== null) await this.inFlight;
  }

  private async begin(now: number, savepointPath: string | null = null): Promise<void> {
    const clock = this.graph.clock;
    const id = this.nextId++;
    if (savepointPath === null) this.nextDue = now + this.config.intervalMs;
    const target = savepointPath === null
      ? { storage: this.storage, dir: checkpointDirName(id), kind: 'checkpoint' as const }
      : { storage: new CheckpointStorage(storeAt(parentOf(savepointPath), this.config)), dir: baseOf(savepointPath), kind: 'savepoint' as const };
    const cut = this.snapshot(id, now, savepointPath !== null, target.storage, target.dir);
    // Sinks seal what they hold for this checkpoint; processing waits for it.
    const sinkCuts = await sealSinks(this.graph, id, this.config.guarantee === 'exactly-once');
    const sinks: SinkEntry[] = sinkCuts.map((s) => ({ id: stateId(this.graph.plan.nodes[s.node]), token: s.token }));
    const full: Cut = { ...cut, sinks, sinkCuts, syncMs: clock.now() - now };
    this.inFlight = this.persist(full, target).finally(() => {
      this.inFlight = null;
      this.lastEnd = clock.now();
    });
  }

  /** The synchronous part: the graph's cut, encoded (copied out) before the next record moves. */
  private snapshot(id: number, now: number, forceFull: boolean, storage: CheckpointStorage, dir: string): Omit<Cut, 'sinks' | 'sinkCuts' | 'syncMs'> {
    const plan = this.graph.plan.nodes;
    const taken = cutGraph(this.graph, {
      delta: (node) => {
        const chain = this.chains.get(stateId(plan[node]));
        return !forceFull && chain !== undefined && chain.length < this.config.maxDeltaChain;
      },
      copyDir: (_node, index) => storage.copyDir(dir, `op${index}-keyed-lmdb`),
    });
    const operators: Cut['operators'] = taken.operators.map((o) => {
      const n = plan[o.node];
      const k = o.keyed;
      return {
        entry: {
          id: stateId(n), kind: n.kind, name: n.name, hasUid: n.uid !== null, keyCount: o.keys, stateBytes: o.bytes,
          watermark: encodeTime(o.watermark), inputWatermarks: o.inputWatermarks.map(encodeTime),
        },
        local: o.local !== undefined ? encodeState(o.local) : null,
        // Encoded now, at the cut: the encoding is the copy (snapshots reference live values).
        keyed: k === null || k.kind === 'copy' ? null : encodeState(k.kind === 'full' ? k.state : k.changes),
        keyedIsFull: k !== null && k.kind !== 'delta',
        copy: k?.kind === 'copy' ? k.written : null,
        copyDir: k?.kind === 'copy' ? k.dir : null,
      };
    });
    const sources: SourceEntry[] = taken.sources.map((s) => ({
      id: stateId(plan[s.node]), position: s.position,
      splitWatermarks: s.splitWatermarks.map(encodeTime), watermark: encodeTime(s.watermark), finished: s.finished,
    }));
    return { id, startedAt: now, operators, sources, sourceCuts: taken.sources };
  }

  /**
   * The asynchronous part: files, then the manifest, then retention, then the sinks' commit.
   *
   * Once the manifest is durable the checkpoint is what a restart restores, whatever its commit
   * does: a sink's token covers every earlier pre-commit not yet committed, so older checkpoints are
   * retired before the commit is tried (storage stays bounded while a sink cannot commit, say
   * during a broker outage), and a failed commit is retried by the next checkpoint's commit or, after
   * a restart, by `recover`. A failed commit counts as a failed checkpoint: `failures` is reset only
   * when a checkpoint is durable and committed, so a sink that cannot commit fails the job after
   * `tolerableFailures` checkpoints (as Flink fails a job whose committer keeps failing) and the
   * restart strategy takes over.
   */
  private async persist(cut: Cut, target: { storage: CheckpointStorage; dir: string; kind: 'checkpoint' | 'savepoint' }): Promise<void> {
    const clock = this.graph.clock;
    const { dir, storage, kind } = target;
    const savepoint = kind === 'savepoint';
    let bytes = 0;
    let phase: 'write' | 'retain' | 'commit' = 'write';
    try {
      const work = (async () => {
        const entries: OperatorEntry[] = [];
        const newChains = new Map<string, FileRef[]>();
        for (const [i, o] of cut.operators.entries()) {
          const local = o.local !== null ? await storage.writeFile(dir, `op${i}-local.bin`, o.local) : null;
          let keyed: FileRef[] = [];
          if (o.copy !== null) {
            await o.copy;
            keyed = [await storage.storeCopy(dir, basename(o.copyDir!), LMDB_DATA_FILE, 'lmdb')];
            newChains.set(o.entry.id, keyed);
          } else if (o.keyed !== null) {
            const ref = await storage.writeFile(dir, `op${i}-keyed-${o.keyedIsFull ? 'full' : 'delta'}.bin`, o.keyed);
            keyed = o.keyedIsFull ? [ref] : [...(this.chains.get(o.entry.id) ?? []), ref];
            newChains.set(o.entry.id, keyed);
          }
          bytes += (local?.bytes ?? 0) + (keyed[keyed.length - 1]?.bytes ?? 0);
          entries.push({ ...o.entry, local, keyed });
        }
        await storage.writeManifest(dir, {
          format: 1, kind, id: cut.id, job: this.graph.jobName, createdAt: cut.startedAt,
          durationMs: clock.now() - cut.startedAt, operators: entries, sources: cut.sources, sinks: cut.sinks,
        });
        return { newChains };
      })();
      const { newChains } = await withTimeout(clock, work, this.config.timeoutMs, `checkpoint ${cut.id} timed out after ${this.config.timeoutMs} ms`);
      phase = 'retain';
      // A savepoint used up the change tracking: the next checkpoint writes full state.
      if (savepoint) this.chains.clear();
      else this.chains = newChains;
      if (!savepoint) await this.storage.retain(this.config.retain);
      phase = 'commit';
      await commitSinks(this.graph, cut.id, cut.sinkCuts);
      notifyCheckpointComplete(this.graph, cut.id, cut.sourceCuts);
      this.failures = 0;
      const durationMs = clock.now() - cut.startedAt;
      const state = cut.operators.filter((o) => o.keyed !== null || o.copy !== null).map((o) => ({ operator: o.entry.id, keys: o.entry.keyCount, bytes: o.entry.stateBytes }));
      this.history.push({ id: cut.id, status: 'completed', startedAt: cut.startedAt, durationMs, syncMs: cut.syncMs, bytes, state });
      const m = this.figures;
      this.figures = { ...m, completed: m.completed + 1, lastDurationMs: durationMs, lastBytes: bytes, lastSyncMs: cut.syncMs };
    } catch (e) {
      // The deltas taken for a checkpoint that is not on disk are gone: the next one must write
      // full state. (A durable checkpoint whose commit failed keeps its chain: restores use it.)
      if (phase === 'write') this.chains.clear();
      this.failures++;
      const reason = e instanceof Error ? e.message : String(e);
      const message = phase === 'commit'
        ? `it is on disk, but committing its output failed (the next checkpoint's commit, or a restart from it, publishes that output): ${reason}`
        : phase === 'retain' ? `it is on disk, but removing older checkpoints failed: ${reason}` : reason;
      this.history.push({ id: cut.id, status: 'failed', startedAt: cut.startedAt, durationMs: clock.now() - cut.startedAt, syncMs: cut.syncMs, bytes, error: message });
      const m = this.figures;
      this.figures = { ...m, failed: m.failed + 1 };
      this.log(`checkpoint ${cut.id} failed (${this.failures} in a row, ${this.config.tolerableFailures} tolerated): ${message}`);
      if (this.failures > this.config.tolerableFailures) {
        this.fatal = new Error(`job failed: ${this.failures} checkpoints failed in a row (tolerated: ${this.config.tolerableFailures}); last: ${message}`);
      }
    }
    this.onRecord?.(this.history[this.history.length - 1]);
    if (this.history.length > 100) this.history.splice(0, this.history.length - 100);
  }
}
