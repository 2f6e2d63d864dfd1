import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ReadStatus } from '../connectors/source.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.ts';
import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { JobRuntime } from './job-runtime.ts';

/** Checkpointing for a run: the coordinator, and what to restore before the first record. */
export interface RunCheckpoints {
  readonly coordinator: CheckpointCoordinator;
  /** Restores state into the runtime (before operators open); returns sink tokens by node id. */
  readonly restore: (() => Promise<Map<number, unknown>>) | null;
  /** At-most-once: records the sources' positions before each batch is handed on. */
  readonly positionLog?: { write(): void; close(): void } | null;
}

/**
 * How a run ended.
 *
 * @example
 * const { status, durationMs, metrics } = await env.execute('job'); console.log(status, metrics.recordsIn);
 */
export interface JobResult {
  readonly job: string;
  /** 'stopped': by a stop-with-savepoint (the savepoint is the exact stop point); 'cancelled': by `cancel` or a signal. */
  readonly status: 'finished' | 'cancelled' | 'stopped';
  readonly durationMs: number;
  readonly metrics: JobMetricsSnapshot;
  /** Checkpoints taken during the run (empty without checkpointing). */
  readonly checkpoints: readonly CheckpointRecord[];
  /** How many times the job was restarted after a failure. */
  readonly restarts: number;
}

/** Longest wait (ms of the injected clock) when every source is idle and nothing else is due. */
const IDLE_POLL_MS = 50;
/** Let timers, I/O callbacks and signal handlers run at least this often (in batches). */
const BATCHES_PER_YIELD = 64;

/**
 * The production loop around a JobRuntime: reads sources (awaiting only when a read is I/O),
 * pushes each batch through the graph synchronously, fires processing time, and waits for sinks
 * whose backlog is over capacity, so a slow sink slows the sources.
 *
 * @example
 * const runner = new JobRunner(runtime);
 * const result = await runner.run();
 */
export class JobRunner {
  private cancelled = false;
  /** Cancelled by a stop-with-savepoint, once its savepoint was written. */
  private stopped = false;
  /** When every source is bounded, reads are taken in strict turn (see `run`). */
  private readonly deterministic: boolean;

  private checkpoints: RunCheckpoints | null = null;
  /** The checkpoint setup while it runs (a savepoint asked for meanwhile waits for it). */
  private settingUp: Promise<RunCheckpoints> | null = null;
  /** `stopWithCheckpoint` was called: the cancelled run still takes its final checkpoint. */
  private checkpointAtStop = false;
  /** Work to run between two rounds of the step loop (queryable state), when no batch is in flight. */
  private readonly betweenRounds: (() => void)[] = [];
  private running = true;

  constructor(readonly runtime: JobRuntime, private readonly setupCheckpoints: (() => Promise<RunCheckpoints>) | null = null) {
    this.deterministic = runtime.plan.nodes.every((n) => n.kind !== 'source' || n.source.bounded);
  }

  checkpointHistory(): readonly CheckpointRecord[] {
    return this.checkpoints?.coordinator.history ?? [];
  }

  /** A savepoint at the next batch boundary; with `stop`, the job stops exactly there. */
  async savepoint(path: string, stop = false): Promise<string> {
    // Just after the start, the checkpoint directory (and control socket) may still be set up.
    if (this.checkpoints === null) await this.settingUp?.catch(() => {});
    if (this.checkpoints === null) throw new Error('savepoints need checkpoints: create the environment with { checkpoints: { dir } }');
    const coordinator = this.checkpoints.coordinator;
    if (stop) {
      coordinator.onStop = () => {
        this.stopped = true;
        this.cancel();
      };
    }
    return coordinator.requestSavepoint(path, stop);
  }

  /**
   * Runs `read` between two rounds of the step loop, when every batch handed to an operator has
   * been processed (a consistent view of state), and resolves with its result. Rejects if the run
   * ends first.
   *
   * @example
   * const count = await runner.atRoundBoundary(() => backend.table<number>('count').get('k'));
   */
  atRoundBoundary<T>(read: () => T): Promise<T> {
    if (!this.running) return Promise.reject(new Error(`job '${this.runtime.jobName}' is not running`));
    return new Promise<T>((resolve, reject) => {
      this.betweenRounds.push(() => {
        try {
          resolve(read());
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  private runBetweenRounds(): void {
    while (this.betweenRounds.length > 0) this.betweenRounds.shift()!();
  }

  /** Stops at the next batch boundary; the run resolves with status 'cancelled'. */
  cancel(): void {
    this.cancelled = true;
  }

  /**
   * Stops at the next batch boundary like `cancel`, but first takes a checkpoint there (which
   * commits the sinks), without finishing operators: the state stays open for whoever restores
   * it. Scale-out hands a partition's task to another instance this way.
   *
   * @example
   * runner.stopWithCheckpoint(); await runPromise; // its newest checkpoint is the exact stop point
   */
  stopWithCheckpoint(): void {
    this.checkpointAtStop = true;
    this.cancelled = true;
  }

  async run(): Promise<JobResult> {
    const rt = this.runtime;
    const clock = rt.nodes[0].clock;
    const started = clock.now();
    const tasks = rt.sources;
    const inflight: (Promise<void> | null)[] = tasks.map(() => null);
    const ready: (ReadStatus | undefined)[] = tasks.map(() => undefined);
    let failure: unknown = null;
    try {
      this.settingUp = this.setupCheckpoints?.() ?? null;
      this.checkpoints = (await this.settingUp) ?? null;
      await Promise.all(tasks.map((t) => t.reader.open()));
      // Keyed state starts empty unless a checkpoint restores it: a state directory reused from an
      // earlier (perhaps killed) run holds state no checkpoint vouches for.
      for (const n of rt.nodes) n.op?.backend?.restore({});
      const restoreStarted = clock.now();
      const tokens = (await this.checkpoints?.restore?.()) ?? null;
      if (this.checkpoints?.restore && rt.checkpointMetrics !== null) rt.checkpointMetrics = { ...rt.checkpointMetrics, restoreMs: clock.now() - restoreStarted };
      await Promise.all(rt.writers.map((w) => w.writer.open()));
      if (this.checkpoints !== null) {
        // Publish what the restored checkpoint promised, discard what it did not (or, on a fresh
        // start, everything a previous run left).
        for (const w of rt.writers) await w.writer.recover?.(tokens?.get(w.node.id) ?? null);
      }
      rt.open();
      const positionLog = this.checkpoints?.positionLog ?? null;
      let sinceYield = 0;
      while (!this.cancelled) {
        let active = 0;
        let worked = false;
        // An asyncMap at capacity: no source reads this round (its completions end the wait below).
        const backpressured = rt.asyncFull;
        for (let s = 0; s < tasks.length; s++) {
          const task = tasks[s];
          if (task.finished) continue;
          active++;
          if (backpressured) continue;
          let status: ReadStatus;
          if (inflight[s] !== null) {
            if (ready[s] === undefined) continue;
            status = ready[s]!;
            ready[s] = undefined;
            inflight[s] = null;
            task.readSettled();
          } else {
            // Reads that may complete later: remember where the reader stood (see readStarted).
            const before = this.deterministic ? undefined : task.reader.position();
            const r = task.reader.read(task.batch);
            if (typeof r !== 'string') {
              if (this.deterministic) {
                // Bounded jobs take one batch from each source in turn, whatever the I/O timing,
                // so that a replay of the same files interleaves (and so is late) the same way.
                status = await r;
              } else {
                task.readStarted(before);
                inflight[s] = r.then((x) => void (ready[s] = x), (e) => void (failure ??= e));
                continue;
              }
            } else {
              status = r;
            }
          }
          if (status === 'data') {
            positionLog?.write();
            task.deliver();
            worked = true;
          } else if (status === 'end') {
            positionLog?.write();
            task.deliver();
            task.finish();
            worked = true;
          }
        }
        if (rt.drainAsync()) worked = true;
        if (failure !== null) throw failure;
        if (active === 0 && !rt.asyncBusy) break;
        rt.advanceProcessingTime(clock.now());
        if (this.betweenRounds.length > 0) this.runBetweenRounds();
        // Between rounds nothing is in flight: a consistent cut for a checkpoint.
        // (An await only when something is due: one per round would cost a microtask hop per batch.)
        if (this.checkpoints !== null && !this.cancelled) {
          const coordinator = this.checkpoints.coordinator;
          coordinator.check();
          const now = clock.now();
          if (coordinator.isDue(now)) await coordinator.maybeStart(now);
        }
        for (const w of rt.writers) {
          if (w.writer.backlog <= w.writer.capacity) continue;
          const t0 = clock.now();
          await w.writer.flush();
          w.node.metrics.backpressuredMs += clock.now() - t0;
        }
        if (!worked) {
          const wait = Math.max(0, Math.min(IDLE_POLL_MS, rt.nextDeadline() - clock.now()));
          const pending: Promise<void>[] = backpressured ? [] : inflight.filter((p): p is Promise<void> => p !== null);
          const async = rt.whenAsyncProgress();
          if (async !== null) pending.push(async);
          await Promise.race([...pending, clock.sleep(wait)]);
          sinceYield = 0;
        } else if (++sinceYield >= BATCHES_PER_YIELD || this.checkpoints?.coordinator.pending === true) {
          // While a checkpoint is being written, its file I/O needs the event loop every round.
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
      if (!this.cancelled) rt.finishOperators();
      if (this.checkpointAtStop) {
        // A read in flight when the stop came has already moved its reader's position past the
        // records it fetched: deliver them, or the final checkpoint would skip them.
        for (let s = 0; s < tasks.length; s++) {
          if (inflight[s] === null) continue;
          await inflight[s];
          if (failure !== null) throw failure;
          if (ready[s] === 'data' || ready[s] === 'end') tasks[s].deliver();
          if (ready[s] === 'end') tasks[s].finish();
          tasks[s].readSettled();
          inflight[s] = null;
          ready[s] = undefined;
        }
      }
      if (this.checkpoints !== null) {
        // A final checkpoint commits what the end of input produced.
        await this.checkpoints.coordinator.drain();
        if (!this.cancelled || this.checkpointAtStop) {
          const last = await this.checkpoints.coordinator.triggerAndWait();
          if (last.status === 'failed') {
            throw new Error(
              `the final checkpoint (${last.id}) failed, so the output since the previous checkpoint is not committed; ` +
                `running the job again resumes from that checkpoint and commits it: ${last.error}`,
            );
          }
        }
        this.checkpoints.coordinator.check();
      }
      for (const w of rt.writers) await w.writer.flush();
    } finally {
      this.running = false;
      // What the loop had no round left for sees the state as the job left it, before it closes.
      this.runBetweenRounds();
      rt.closeOperators();
      this.checkpoints?.positionLog?.close();
      // A checkpoint still being written must finish (or fail) before this run is over: its
      // commit must not race a restart that restores an older checkpoint.
      await this.checkpoints?.coordinator.drain().catch(() => {});
      await Promise.allSettled(inflight.filter((p) => p !== null));
      await Promise.allSettled(tasks.map((t) => t.reader.close()));
      await Promise.allSettled(rt.writers.map((w) => w.writer.close()));
    }
    return {
      job: rt.jobName, status: this.stopped ? 'stopped' : this.cancelled ? 'cancelled' : 'finished', durationMs: clock.now() - started, metrics: rt.metrics(),
      checkpoints: this.checkpoints?.coordinator.history ?? [], restarts: 0,
    };
  }
}
