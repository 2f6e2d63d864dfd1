import type { OperatorEntry, SinkEntry, SourceEntry } from './manifest.ts';
import { encodeTime, type FileRef } from './manifest.ts';
import type { JobRuntime } from '../runtime/job-runtime.ts';
import type { ResolvedCheckpointConfig } from './checkpoint-config.ts';
import { basename, dirname, join, resolve } from 'node:path';
import { checkpointDirName, CheckpointStorage } from './checkpoint-storage.ts';
import { stateId } from './operator-id.ts';
import { encodeState } from './snapshot-codec.ts';
import { LMDB_DATA_FILE } from './keyed-files.ts';
import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';

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
}

/**
 * Takes checkpoints of a running job. The step loop calls `maybeStart` between rounds of source
 * batches: at that moment no record is in flight anywhere in the graph (every operator has
 * processed every batch handed to it), so barriers are in effect injected at every source at once
 * and aligned at every multi-input operator without waiting. The cut is snapshotted
 * synchronously, sinks pre-commit, then the files are written while processing goes on; when the
 * manifest is durable, the sinks commit.
 *
 * Keyed state is incremental: each checkpoint writes what changed since the previous one, and a
 * full snapshot (or, for a backend that copies itself, a copy) every `maxDeltaChain` checkpoints,
 * when most keys changed, or after a failure, when a delta is lost.
 *
 * @example
 * const coordinator = new CheckpointCoordinator(runtime, config, storage, log, startId);
 */
export class CheckpointCoordinator {
  readonly history: CheckpointRecord[] = [];
  private nextId: number;
  private nextDue: number;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private fatal: Error | null = null;
  /** Keyed-state file chain per operator id, as of the last completed checkpoint. */
  private chains = new Map<string, FileRef[]>();
  private lastEnd = Number.NEGATIVE_INFINITY;
  private savepointRequests: { path: string; stop: boolean; resolve: (path: string) => void; reject: (e: Error) => void }[] = [];
  /** Called at the cut of a stop-with-savepoint, so that no record moves after it. */
  onStop: (() => void) | null = null;
  /** Called with each checkpoint's record once it has completed or failed (job-wide metrics). */
  onRecord: ((record: CheckpointRecord) => void) | null = null;

  constructor(
    private readonly runtime: JobRuntime,
    private readonly config: ResolvedCheckpointConfig,
    private readonly storage: CheckpointStorage,
    private readonly log: (line: string) => void,
    startId: number,
  ) {
    this.nextId = startId + 1;
    runtime.checkpointMetrics ??= { completed: 0, failed: 0, lastDurationMs: 0, lastBytes: 0, lastSyncMs: 0, alignmentMs: 0, restoreMs: 0 };
    this.nextDue = runtime.nodes[0].clock.now() + config.intervalMs;
  }

  /** Throws if checkpoints have failed more often in a row than tolerated. */
  check(): void {
    if (this.fatal !== null) throw this.fatal;
  }

  get pending(): boolean {
    return this.inFlight !== null;
  }

  /**
   * Whether `maybeStart` would start something now (a savepoint was asked for, or a checkpoint is
   * due): the step loop asks this every round, synchronously, and awaits only when it is true.
   */
  isDue(now: number): boolean {
    if (this.inFlight !== null) return false;
    return this.savepointRequests.length > 0 || (now >= this.nextDue && now >= this.lastEnd + this.config.minPauseMs);
  }

  /** Starts a checkpoint (or a requested savepoint) if one is due; resolves once processing may go on. */
  async maybeStart(now: number): Promise<void> {
    this.check();
    if (this.inFlight !== null) return;
    const sp = this.savepointRequests.shift();
    if (sp !== undefined) {
      await this.start(now, sp.path);
      if (sp.stop) this.onStop?.();
      const id = this.nextId - 1;
      void this.inFlight!.then(() => {
        const rec = this.history.find((h) => h.id === id);
        if (rec?.status === 'completed') sp.resolve(resolve(sp.path));
        else sp.reject(new Error(`savepoint to ${sp.path} failed: ${rec?.error ?? 'unknown error'}`));
      });
      return;
    }
    if (now < this.nextDue || now < this.lastEnd + this.config.minPauseMs) return;
    await this.start(now);
  }

  /** Asks for a savepoint at the next batch boundary; with `stop`, the job ends right at it. */
  requestSavepoint(path: string, stop = false): Promise<string> {
    return new Promise((res, rej) => this.savepointRequests.push({ path, stop, resolve: res, reject: rej }));
  }

  /** Starts a checkpoint now (for savepoints and tests); resolves when it has completed. */
  async triggerAndWait(): Promise<CheckpointRecord> {
    if (this.inFlight !== null) await this.inFlight;
    await this.start(this.runtime.nodes[0].clock.now());
    await this.inFlight;
    return this.history[this.history.length - 1];
  }

  /** Waits for the checkpoint in flight, if any. */
  async drain(): Promise<void> {
    if (this.inFlight !== null) await this.inFlight;
  }

  private async start(now: number, savepointPath: string | null = null): Promise<void> {
    const clock = this.runtime.nodes[0].clock;
    const id = this.nextId++;
    if (savepointPath === null) this.nextDue = now + this.config.intervalMs;
    const target = savepointPath === null
      ? { storage: this.storage, dir: checkpointDirName(id), kind: 'checkpoint' as const }
      : { storage: new CheckpointStorage(dirname(resolve(savepointPath))), dir: basename(resolve(savepointPath)), kind: 'savepoint' as const };
    const cut = this.snapshot(id, now, savepointPath !== null, join(target.storage.root, target.dir));
    // Sinks seal what they hold for this checkpoint; processing waits for it.
    const sinks: SinkEntry[] = [];
    for (const w of this.runtime.writers) {
      const sid = stateId(this.runtime.plan.nodes[w.node.id]);
      if (this.config.guarantee === 'exactly-once' && w.writer.preCommit) sinks.push({ id: sid, token: await w.writer.preCommit(id) });
      else await w.writer.flush();
    }
    const full: Cut = { ...cut, sinks, syncMs: clock.now() - now };
    this.inFlight = this.persist(full, target).finally(() => {
      this.inFlight = null;
      this.lastEnd = clock.now();
    });
  }

  /** The synchronous part: everything is copied out before the next record moves. */
  private snapshot(id: number, now: number, forceFull: boolean, dir: string): Omit<Cut, 'sinks' | 'syncMs'> {
    const rt = this.runtime;
    const operators: Cut['operators'] = [];
    for (const node of rt.nodes) {
      const plan = rt.plan.nodes[node.id];
      if (plan.kind === 'source' || plan.kind === 'sink') continue;
      const op = node.op;
      const sid = stateId(plan);
      const backend = op?.backend;
      let keyed: Buffer | null = null;
      let keyedIsFull = false;
      let keyCount = 0;
      let stateBytes = 0;
      let copy: Promise<void> | null = null;
      let copyDir: string | null = null;
      if (backend !== undefined) {
        const chain = this.chains.get(sid);
        keyedIsFull = forceFull || chain === undefined || chain.length >= this.config.maxDeltaChain || backend.prefersFull?.() === true;
        if (keyedIsFull && backend.copyTo !== undefined) {
          // The backend copies itself off the main thread; the cut only starts the copy.
          copyDir = join(dir, `op${operators.length}-keyed-lmdb`);
          copy = backend.copyTo(copyDir);
          copy.catch(() => {}); // awaited in persist; a failure there fails the checkpoint
        } else if (keyedIsFull) {
          // Encoded now, at the cut: the encoding is the copy (snapshots reference live values).
          backend.resetChanges();
          keyed = encodeState(backend.snapshot());
        } else {
          // What changed since the previous checkpoint, on top of a snapshot or of a copy.
          keyed = encodeState(backend.changes());
        }
      }
      if (backend !== undefined) {
        for (const s of backend.stats()) {
          keyCount += s.keys;
          stateBytes += s.bytes;
        }
      }
      const wm = node.watermarkState();
      operators.push({
        entry: {
          id: sid, kind: plan.kind, name: plan.name, hasUid: plan.uid !== null, keyCount, stateBytes,
          watermark: encodeTime(wm.watermark), inputWatermarks: wm.inputs.map(encodeTime),
        },
        local: op?.snapshot !== undefined ? encodeState(op.snapshot()) : null,
        keyed,
        keyedIsFull,
        copy,
        copyDir,
      });
    }
    const sources: SourceEntry[] = rt.sources.map((task, i) => {
      const s = task.snapshotState();
      return {
        id: stateId(rt.plan.nodes[rt.sourceNodeIds[i]]), position: s.position,
        splitWatermarks: s.splitWatermarks.map(encodeTime), watermark: encodeTime(task.node.currentWatermark()), finished: s.finished,
      };
    });
    return { id, startedAt: now, operators, sources };
  }

  /** The asynchronous part: files, then the manifest, then the sinks' commit. */
  private async persist(cut: Cut, target: { storage: CheckpointStorage; dir: string; kind: 'checkpoint' | 'savepoint' }): Promise<void> {
    const clock = this.runtime.nodes[0].clock;
    const { dir, storage, kind } = target;
    const savepoint = kind === 'savepoint';
    let bytes = 0;
    try {
      const work = (async () => {
        const entries: OperatorEntry[] = [];
        const newChains = new Map<string, FileRef[]>();
        for (const [i, o] of cut.operators.entries()) {
          const local = o.local !== null ? await storage.writeFile(dir, `op${i}-local.bin`, o.local) : null;
          let keyed: FileRef[] = [];
          if (o.copy !== null) {
            await o.copy;
            keyed = [await storage.refTo(join(o.copyDir!, LMDB_DATA_FILE), 'lmdb')];
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
          format: 1, kind, id: cut.id, job: this.runtime.jobName, createdAt: cut.startedAt,
          durationMs: clock.now() - cut.startedAt, operators: entries, sources: cut.sources, sinks: cut.sinks,
        });
        return { newChains };
      })();
      const { newChains } = await withTimeout(work, this.config.timeoutMs, `checkpoint ${cut.id} timed out after ${this.config.timeoutMs} ms`);
      // A savepoint used up the change tracking: the next checkpoint writes full state.
      if (savepoint) this.chains.clear();
      else this.chains = newChains;
      this.failures = 0;
      for (const w of this.runtime.writers) {
        const token = cut.sinks.find((s) => s.id === stateId(this.runtime.plan.nodes[w.node.id]));
        if (token !== undefined) await w.writer.commit?.(cut.id, token.token);
      }
      cut.sources.forEach((s, i) => this.runtime.sources[i]?.reader.notifyCheckpointComplete?.(cut.id, s.position));
      if (!savepoint) await this.storage.retain(this.config.retain);
      const durationMs = clock.now() - cut.startedAt;
      const state = cut.operators.filter((o) => o.keyed !== null || o.copy !== null).map((o) => ({ operator: o.entry.id, keys: o.entry.keyCount, bytes: o.entry.stateBytes }));
      this.history.push({ id: cut.id, status: 'completed', startedAt: cut.startedAt, durationMs, syncMs: cut.syncMs, bytes, state });
      const m = this.runtime.checkpointMetrics!;
      this.runtime.checkpointMetrics = { ...m, completed: m.completed + 1, lastDurationMs: durationMs, lastBytes: bytes, lastSyncMs: cut.syncMs };
    } catch (e) {
      // The deltas taken for this checkpoint are gone: the next one must write full state.
      this.chains.clear();
      this.failures++;
      const message = e instanceof Error ? e.message : String(e);
      this.history.push({ id: cut.id, status: 'failed', startedAt: cut.startedAt, durationMs: clock.now() - cut.startedAt, syncMs: cut.syncMs, bytes, error: message });
      const m = this.runtime.checkpointMetrics!;
      this.runtime.checkpointMetrics = { ...m, failed: m.failed + 1 };
      this.log(`checkpoint ${cut.id} failed (${this.failures} in a row, ${this.config.tolerableFailures} tolerated): ${message}`);
      if (this.failures > this.config.tolerableFailures) {
        this.fatal = new Error(`job failed: ${this.failures} checkpoints failed in a row (tolerated: ${this.config.tolerableFailures}); last: ${message}`);
      }
    }
    this.onRecord?.(this.history[this.history.length - 1]);
    if (this.history.length > 100) this.history.splice(0, this.history.length - 100);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
