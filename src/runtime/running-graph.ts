import type { BadInputPolicy } from '../functions/dead-letter.ts';
import type { Sink, SinkContext, SinkWriter } from '../connectors/sink.ts';
import type { ReadStatus, SourceReader } from '../connectors/source.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { LatencyTracker } from '../metrics/latency-tracker.ts';
import type { RecordSample } from '../metrics/sample-ring.ts';
import type { SinkNode, SourceNode } from '../plan/node.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Plan } from '../plan/plan.ts';
import type { KeyedStateBackend, StateBackendContext } from '../state/state-table.ts';
import type { Clock } from '../time/clock.ts';
import { createOperator } from './operator-factory.ts';
import { OperatorError } from './operator-error.ts';
import { SinkOperator } from './operators/sink-operator.ts';
import { type ProcessingTimeScheduler, RuntimeNode } from './runtime-node.ts';
import { SourceTask } from './source-task.ts';
import { GraphMetrics } from './graph-metrics.ts';
import type { CheckpointHook } from './checkpoint-hook.ts';
import type { StepReport } from './step-report.ts';

/** What the runtime needs besides the plan. */
export interface RuntimeOptions {
  readonly clock: Clock;
  readonly batchSize: number;
  readonly stateBackend: (ctx: StateBackendContext) => KeyedStateBackend;
  readonly badInput: BadInputPolicy;
  readonly log: (line: string) => void;
  /**
   * The job's delivery guarantee, which sink writers are built for ('none', the default, without
   * checkpoints).
   */
  readonly guarantee?: SinkContext['guarantee'];
  /** Lets the test driver replace source readers with inputs it feeds by hand. */
  readonly readerFor?: (node: SourceNode) => SourceReader<unknown>;
  /** Lets the test driver replace sink writers with in-memory captures. */
  readonly writerFor?: (node: SinkNode) => SinkWriter<unknown>;
  /** Lets the test driver wrap each source's watermark strategy. */
  readonly strategyFor?: (node: SourceNode) => WatermarkStrategy<unknown>;
}

/**
 * The running graph, driven synchronously, one round at a time by `step()`: the production loop
 * (JobLoop) awaits I/O around it, and the StreamTestDriver calls the same `step()` after each
 * push or advance. Nothing here awaits: reads that complete later are remembered and delivered in
 * a later round.
 */
export class RunningGraph implements ProcessingTimeScheduler {
  readonly nodes: RuntimeNode[] = [];
  readonly sources: SourceTask<unknown>[] = [];
  readonly writers: { node: RuntimeNode; writer: SinkWriter<unknown> }[] = [];
  readonly clock: Clock;
  /** Nodes whose operator does its own I/O (asyncMap), in plan (topological) order. */
  private readonly asyncNodes: RuntimeNode[] = [];
  private nextPt = Number.POSITIVE_INFINITY;
  /** Checkpointing, attached by the production loop once it is set up; null without. */
  checkpoints: CheckpointHook | null = null;
  /** Called before each batch is handed on (at-most-once: the sources' positions are logged there). */
  beforeDelivery: (() => void) | null = null;
  readonly startedAt: number;
  /** Processing latency, measured at the sinks. */
  readonly latency = new LatencyTracker();
  private readonly figures: GraphMetrics;

  // --- the round in progress (see `step`) -------------------------------------------------------
  /** When every source is bounded, reads are taken in strict turn (see StepReport.turn). */
  private readonly deterministic: boolean;
  /** Per source: a read that completes later, and what it said once it has. */
  private readonly inflight: (Promise<void> | null)[];
  private readonly ready: (ReadStatus | undefined)[];
  /** The first read that failed (it fails the run at the end of the round). */
  private failure: unknown = null;
  /** The source whose turn a bounded job's round waits on; -1 between rounds. */
  private resumeAt = -1;
  private sawActive = false;
  private backpressured = false;
  private readonly report: StepReport = {
    turn: null, done: false, worked: false, now: 0, checkpointDue: false, sinksOverCapacity: false, nextDeadline: Number.NaN, progress: [],
  };
  /** Work to run between two rounds (queryable state), when no batch is in flight. */
  private readonly betweenRounds: (() => void)[] = [];
  private closed = false;

  constructor(readonly plan: Plan, readonly jobName: string, private readonly options: RuntimeOptions) {
    this.clock = options.clock;
    this.startedAt = options.clock.now();
    const { batchSize, clock } = options;
    for (const n of plan.nodes) {
      const op = n.kind === 'sink'
        ? new SinkOperator(options.writerFor?.(n) ?? (n.sink as Sink<unknown>).createWriter({ operatorName: n.name, guarantee: writerGuarantee(n.sink as Sink<unknown>, options.guarantee ?? 'none') }))
        : createOperator(n, options.stateBackend);
      const node = new RuntimeNode(n.id, n.kind, n.name, op, n.inputs.length, batchSize, clock, this);
      this.nodes.push(node);
      if (op instanceof SinkOperator) this.writers.push({ node, writer: op.writer });
      if (node.async !== null) this.asyncNodes.push(node);
      n.inputs.forEach((input, i) => {
        const producer = this.nodes[input];
        const buffer = n.kind === 'side-output' ? producer.sideOutput(n.tag.id, batchSize) : producer.out;
        buffer.connect(node, i);
      });
      if (n.kind === 'source' || n.kind === 'sink') node.latency = this.latency;
      if (n.kind === 'source') {
        const reader = options.readerFor?.(n) ?? n.source.createReader({
          operatorName: n.name, clock, batchSize, badInput: options.badInput,
        });
        this.sources.push(new SourceTask(node, reader, options.strategyFor?.(n) ?? n.strategy, options.badInput, options.log));
      }
    }
    this.figures = new GraphMetrics(plan);
    this.deterministic = plan.nodes.every((n) => n.kind !== 'source' || n.source.bounded);
    this.inflight = this.sources.map(() => null);
    this.ready = this.sources.map(() => undefined);
  }

  /** Where the run's log lines go. */
  get log(): (line: string) => void {
    return this.options.log;
  }

  /**
   * One round of the loop: hands on the batch each source has ready (reading it now, or taking
   * the result of a read that completed since), drains async operators, advances processing
   * time, and runs the work waiting for a round boundary. Synchronous; the report says what the
   * caller must do next (await a turn, take a checkpoint, flush sinks, wait, or finish).
   */
  step(): StepReport {
    const r = this.report;
    const tasks = this.sources;
    let s = this.resumeAt;
    if (s < 0) {
      s = 0;
      r.worked = false;
      this.sawActive = false;
      // An asyncMap at capacity: no source reads this round (its completions end the wait).
      this.backpressured = this.asyncFull;
    } else {
      // Back from a bounded job's turn: its read failed, or the round goes on from it.
      this.resumeAt = -1;
      r.turn = null;
      if (this.failure !== null) throw this.failure;
    }
    for (; s < tasks.length; s++) {
      const task = tasks[s];
      if (task.finished) continue;
      this.sawActive = true;
      if (this.backpressured) continue;
      let status: ReadStatus;
      if (this.inflight[s] !== null) {
        if (this.ready[s] === undefined) continue;
        status = this.ready[s]!;
        this.ready[s] = undefined;
        this.inflight[s] = null;
        task.readSettled();
      } else {
        // Reads that may complete later: remember where the reader stood (see readStarted).
        const before = this.deterministic ? undefined : task.reader.position();
        const read = task.reader.read(task.batch);
        if (typeof read !== 'string') {
          const i = s;
          const settled = read.then((x) => void (this.ready[i] = x), (e: unknown) => void (this.failure ??= e));
          this.inflight[s] = settled;
          if (this.deterministic) {
            this.resumeAt = s;
            r.turn = settled;
            return r;
          }
          task.readStarted(before);
          continue;
        }
        status = read;
      }
      if (status === 'idle') continue;
      if (this.beforeDelivery !== null) this.beforeDelivery();
      task.deliver();
      if (status === 'end') task.finish();
      r.worked = true;
    }
    if (this.drainAsync()) r.worked = true;
    if (this.failure !== null) throw this.failure;
    r.done = !this.sawActive && !this.asyncBusy;
    if (r.done) {
      r.checkpointDue = false;
      r.sinksOverCapacity = false;
      return r;
    }
    const pt = this.clock.now();
    this.advanceProcessingTime(pt);
    if (this.betweenRounds.length > 0) this.runBetweenRounds();
    // Between rounds nothing is in flight: a consistent cut for a checkpoint (asked after the
    // timers and the boundary work, so a checkpoint starts at the time they ended).
    const hook = this.checkpoints;
    r.now = hook === null ? pt : this.clock.now();
    r.checkpointDue = hook !== null && hook.isDue(r.now);
    r.sinksOverCapacity = false;
    for (const w of this.writers) if (w.writer.backlog > w.writer.capacity) r.sinksOverCapacity = true;
    if (r.worked) {
      r.nextDeadline = Number.NaN;
      if (r.progress.length > 0) r.progress = [];
    } else {
      r.nextDeadline = this.nextDeadline();
      const progress: Promise<void>[] = this.backpressured ? [] : this.inflight.filter((p): p is Promise<void> => p !== null);
      const async = this.whenAsyncProgress();
      if (async !== null) progress.push(async);
      r.progress = progress;
    }
    return r;
  }

  /** Reads under way (the production loop waits for them before it closes the readers). */
  readsInFlight(): Promise<void>[] {
    return this.inflight.filter((p): p is Promise<void> => p !== null);
  }

  /**
   * Hands on the batches of reads that have completed but were not delivered yet, without
   * reading more: a stop-with-checkpoint does this after awaiting `readsInFlight`, since those
   * reads have already moved their readers' positions past the records they fetched.
   */
  deliverCompletedReads(): void {
    if (this.failure !== null) throw this.failure;
    for (let s = 0; s < this.sources.length; s++) {
      const status = this.ready[s];
      if (this.inflight[s] === null || status === undefined) continue;
      const task = this.sources[s];
      if (status === 'data' || status === 'end') task.deliver();
      if (status === 'end') task.finish();
      task.readSettled();
      this.inflight[s] = null;
      this.ready[s] = undefined;
    }
  }

  /**
   * Runs `read` at the next round boundary, when every batch handed to an operator has been
   * processed (a consistent view of state), and resolves with its result. Rejects if the graph
   * closes first.
   *
   * @example
   * const count = await graph.atRoundBoundary(() => backend.table<number>('count').get('k'));
   */
  atRoundBoundary<T>(read: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`job '${this.jobName}' is not running`));
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

  /** The last late records and dead letters of every operator, oldest first. */
  samples(): RecordSample[] {
    return this.nodes.flatMap((n) => n.recentSamples()).sort((a, b) => a.at - b.at);
  }

  open(): void {
    for (const n of this.nodes) n.open();
    for (const s of this.sources) s.start();
  }

  request(_node: RuntimeNode, time: number): void {
    if (time < this.nextPt) this.nextPt = time;
  }

  /** The earliest processing time at which something is due (a timer, an idleness check). */
  nextDeadline(): number {
    let t = this.nextPt;
    for (const s of this.sources) t = Math.min(t, s.nextIdleCheck());
    return t;
  }

  /** Fires processing-time timers and idleness checks that are due at `now`. */
  advanceProcessingTime(now: number): void {
    if (now >= this.nextPt) {
      this.nextPt = Number.POSITIVE_INFINITY;
      for (const n of this.nodes) {
        if (n.ptDeadline <= now) n.fireProcessingTime(now);
        if (n.ptDeadline < this.nextPt) this.nextPt = n.ptDeadline;
      }
    }
    for (const s of this.sources) s.checkIdleness(now);
  }

  get finished(): boolean {
    return this.sources.every((s) => s.finished);
  }

  /** After every source has ended: lets operators emit what they still hold. */
  finishOperators(): void {
    for (const n of this.nodes) n.finish();
  }

  // --- async operators (asyncMap) ---------------------------------------------------------------
  // Their promises settle on the event loop, but results enter the graph only here, between
  // steps: a runner calls drainAsync each round, stops reading sources while asyncFull, waits on
  // whenAsyncProgress when idle, and ends only when no async operator holds records.

  /** Hands on the results that have come back; true if anything moved. Synchronous. */
  drainAsync(): boolean {
    let moved = false;
    for (const n of this.asyncNodes) {
      try {
        if (n.async!.drain()) moved = true;
      } catch (e) {
        throw OperatorError.wrap(n.name, e);
      }
      n.flushOutputs();
    }
    return moved;
  }

  /** Some async operator still holds records (in flight, backing off, or waiting for their turn). */
  get asyncBusy(): boolean {
    for (const n of this.asyncNodes) if (n.async!.held > 0) return true;
    return false;
  }

  /** Some async operator is at capacity: sources should not read until it makes progress. */
  get asyncFull(): boolean {
    for (const n of this.asyncNodes) if (n.async!.full) return true;
    return false;
  }

  /** Attempts whose promise has not settled, over all async operators. */
  get asyncOutstanding(): number {
    let k = 0;
    for (const n of this.asyncNodes) k += n.async!.outstanding;
    return k;
  }

  /** Resolves when any async operator's attempt settles; null when none is outstanding. */
  whenAsyncProgress(): Promise<void> | null {
    const waits = this.asyncNodes.filter((n) => n.async!.outstanding > 0).map((n) => n.async!.whenProgress());
    return waits.length === 0 ? null : Promise.race(waits);
  }

  /**
   * Releases operators (and their state backends); after the final checkpoint. Work still waiting
   * for a round boundary runs first: it sees the state as the job left it.
   */
  closeOperators(): void {
    this.closed = true;
    this.runBetweenRounds();
    for (const n of this.nodes) n.op?.close?.();
  }

  metrics(): JobMetricsSnapshot {
    return this.figures.snapshot({
      jobName: this.jobName, startedAt: this.startedAt, now: this.clock.now(), nodes: this.nodes, sources: this.sources,
      checkpoints: this.checkpoints?.metrics ?? null, latency: this.latency,
    });
  }
}

/**
 * What a sink's writer is asked for: the job's guarantee, except that an idempotent sink in an
 * exactly-once job writes at once ('at-least-once'): a replay rewrites the same keys, so the
 * result is that of exactly-once without waiting for checkpoints.
 */
function writerGuarantee(sink: Sink<unknown>, guarantee: SinkContext['guarantee']): SinkContext['guarantee'] {
  return guarantee === 'exactly-once' && sink.idempotent === true ? 'at-least-once' : guarantee;
}
