import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';
import type { CheckpointHook } from './checkpoint-hook.ts';
import type { JobResult } from './job-result.ts';
import { recoverSinks } from './graph-cut.ts';
import type { RunningGraph } from './running-graph.ts';

/** Checkpointing for a run: its hook, and what to restore before the first record. */
export interface RunCheckpoints {
  readonly hook: CheckpointHook;
  /** Restores state into the runtime (before operators open); returns sink tokens by node id. */
  readonly restore: (() => Promise<Map<number, unknown>>) | null;
  /** At-most-once: records the sources' positions before each batch is handed on. */
  readonly positionLog?: { write(): void; close(): void } | null;
}

/** Longest wait (ms of the injected clock) when every source is idle and nothing else is due. */
const IDLE_POLL_MS = 50;
/** Let timers, I/O callbacks and signal handlers run at least this often (in batches). */
const BATCHES_PER_YIELD = 64;

/**
 * The production loop around a RunningGraph: opens and restores, then awaits I/O around the
 * graph's synchronous `step()` (a bounded job's read in turn, a checkpoint, a sink over capacity,
 * an idle wait) and nothing else, then finishes and closes. A slow sink slows the sources.
 *
 * @example
 * const loop = new JobLoop(graph);
 * const result = await loop.run();
 */
export class JobLoop {
  private cancelled = false;
  private checkpoints: RunCheckpoints | null = null;
  /** `stopWithCheckpoint` was called: the cancelled run still takes its final checkpoint. */
  private checkpointAtStop = false;
  /** False once the run is over (a failed attempt stays over while a restart strategy waits). */
  private running = true;
  /** Cancelled by a stop-with-savepoint, once its savepoint was written. */
  private stopped = false;
  /** The checkpoint setup while it runs (a savepoint asked for meanwhile waits for it). */
  private settingUp: Promise<RunCheckpoints> | null = null;

  constructor(readonly graph: RunningGraph, private readonly setupCheckpoints: (() => Promise<RunCheckpoints>) | null = null) {}

  checkpointHistory(): readonly CheckpointRecord[] {
    return this.checkpoints?.hook.history ?? [];
  }

  /** A savepoint at the next batch boundary; with `stop`, the job stops exactly there. */
  async savepoint(path: string, stop = false): Promise<string> {
    // Just after the start, the checkpoint directory (and control socket) may still be set up.
    if (this.checkpoints === null) await this.settingUp?.catch(() => {});
    if (this.checkpoints === null) throw new Error('savepoints need checkpoints: create the environment with { checkpoints: { dir } }');
    // A run that is over (a failed attempt, during the restart strategy's delay) takes no more
    // savepoints: the request would wait forever.
    if (!this.running) throw new Error(`job '${this.graph.jobName}' is not running (it failed and may be restarting): no savepoint taken; try again once it runs`);
    return this.checkpoints.hook.requestSavepoint(path, stop ? () => {
      this.stopped = true;
      this.cancel();
    } : null);
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
   * loop.stopWithCheckpoint(); await runPromise; // its newest checkpoint is the exact stop point
   */
  stopWithCheckpoint(): void {
    this.checkpointAtStop = true;
    this.cancelled = true;
  }

  async run(): Promise<JobResult> {
    const graph = this.graph;
    const started = graph.clock.now();
    try {
      await this.openAndRestore();
      await this.loop();
      await this.finish();
    } finally {
      this.running = false;
      await this.close();
    }
    return {
      job: graph.jobName, status: this.stopped ? 'stopped' : this.cancelled ? 'cancelled' : 'finished', durationMs: graph.clock.now() - started, metrics: graph.metrics(),
      checkpoints: this.checkpointHistory(), restarts: 0,
    };
  }

  /** Readers open, state restored (or empty), sinks open and recovered, operators open. */
  private async openAndRestore(): Promise<void> {
    const graph = this.graph;
    this.settingUp = this.setupCheckpoints?.() ?? null;
    this.checkpoints = (await this.settingUp) ?? null;
    await Promise.all(graph.sources.map((t) => t.reader.open()));
    // Keyed state starts empty unless a checkpoint restores it: a state directory reused from an
    // earlier (perhaps killed) run holds state no checkpoint vouches for.
    for (const n of graph.nodes) n.backend?.restore({});
    const tokens = (await this.checkpoints?.restore?.()) ?? null;
    await Promise.all(graph.writers.map((w) => w.writer.open()));
    if (this.checkpoints !== null) {
      // Publish what the restored checkpoint promised, discard what it did not (or, on a fresh
      // start, everything a previous run left).
      await recoverSinks(graph, tokens);
      graph.checkpoints = this.checkpoints.hook;
    }
    const positionLog = this.checkpoints?.positionLog ?? null;
    if (positionLog) graph.beforeDelivery = () => positionLog.write();
    graph.open();
  }

  /** Rounds until the input ends or the run is stopped; awaits only I/O between them. */
  private async loop(): Promise<void> {
    const graph = this.graph;
    const hook = this.checkpoints?.hook ?? null;
    let sinceYield = 0;
    while (!this.cancelled) {
      let r = graph.step();
      while (r.turn !== null) {
        await r.turn;
        r = graph.step();
      }
      if (r.done) break;
      // (An await only when something is due: one per round would cost a microtask hop per batch.)
      if (hook !== null && !this.cancelled) {
        hook.check();
        if (r.checkpointDue) await hook.start(r.now);
      }
      if (r.sinksOverCapacity) await this.relieveSinks();
      if (!r.worked) {
        const wait = Math.max(0, Math.min(IDLE_POLL_MS, r.nextDeadline - graph.clock.now()));
        await Promise.race([...r.progress, graph.clock.sleep(wait)]);
        sinceYield = 0;
      } else if (++sinceYield >= BATCHES_PER_YIELD || hook?.pending === true) {
        // While a checkpoint is being written, its file I/O needs the event loop every round.
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }

  /** Waits for each sink over its capacity to write its backlog; the wait counts as its backpressure. */
  private async relieveSinks(): Promise<void> {
    const clock = this.graph.clock;
    for (const w of this.graph.writers) {
      if (w.writer.backlog <= w.writer.capacity) continue;
      const t0 = clock.now();
      await w.writer.flush();
      w.node.metrics.backpressuredMs += clock.now() - t0;
    }
  }

  /** Operators emit what they hold (unless stopped), the final checkpoint commits, sinks flush. */
  private async finish(): Promise<void> {
    const graph = this.graph;
    if (!this.cancelled) graph.finishOperators();
    if (this.checkpointAtStop) {
      // A read in flight when the stop came has already moved its reader's position past the
      // records it fetched: deliver them, or the final checkpoint would skip them.
      await Promise.all(graph.readsInFlight());
      graph.deliverCompletedReads();
    }
    const hook = this.checkpoints?.hook ?? null;
    if (hook !== null) {
      // A final checkpoint commits what the end of input produced.
      await hook.drain();
      if (!this.cancelled || this.checkpointAtStop) {
        const last = await hook.final();
        if (last.status === 'failed') {
          throw new Error(
            `the final checkpoint (${last.id}) failed, so the output since the previous checkpoint is not committed; ` +
              `running the job again resumes from that checkpoint and commits it: ${last.error}`,
          );
        }
      }
      hook.check();
    }
    for (const w of graph.writers) await w.writer.flush();
  }

  /** Releases everything, whether the run ended, was stopped or failed. */
  private async close(): Promise<void> {
    const graph = this.graph;
    graph.closeOperators();
    this.checkpoints?.positionLog?.close();
    // A checkpoint still being written must finish (or fail) before this run is over: its
    // commit must not race a restart that restores an older checkpoint.
    await this.checkpoints?.hook.drain().catch(() => {});
    await Promise.allSettled(graph.readsInFlight());
    const readers = await Promise.allSettled(graph.sources.map((t) => t.reader.close()));
    readers.forEach((c, i) => {
      if (c.status === 'rejected') graph.log(`source '${graph.sources[i].node.name}': closing its reader failed: ${describe(c.reason)}`);
    });
    const writers = await Promise.allSettled(graph.writers.map((w) => w.writer.close()));
    writers.forEach((c, i) => {
      if (c.status === 'rejected') graph.log(`sink '${graph.writers[i].node.name}': closing its writer failed: ${describe(c.reason)}`);
    });
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
