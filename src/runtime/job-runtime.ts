import type { BadInputPolicy } from '../functions/dead-letter.ts';
import type { Sink, SinkWriter } from '../connectors/sink.ts';
import type { SourceReader } from '../connectors/source.ts';
import type { CheckpointMetrics, JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { LatencyTracker } from '../metrics/latency-tracker.ts';
import { stopwatchMs } from '../time/stopwatch.ts';
import type { RecordSample } from '../metrics/sample-ring.ts';
import { writerGuarantee, type ResolvedCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
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

/**
 * Keyed-state sizes are read at most once a second, and less often when reading them is slow
 * (a heap backend's byte estimate walks its state): their cost stays under 1 % of the time.
 */
const STATE_STATS_MIN_EVERY_MS = 1_000;
const STATE_STATS_MAX_SHARE = 0.01;

/** What the runtime needs besides the plan. */
export interface RuntimeOptions {
  readonly clock: Clock;
  readonly batchSize: number;
  readonly stateBackend: (ctx: StateBackendContext) => KeyedStateBackend;
  readonly badInput: BadInputPolicy;
  readonly log: (line: string) => void;
  /** Checkpointing, if the job has it. */
  readonly checkpoints?: ResolvedCheckpointConfig | null;
  /** Lets the test driver replace source readers with inputs it feeds by hand. */
  readonly readerFor?: (node: SourceNode) => SourceReader<unknown>;
  /** Lets the test driver replace sink writers with in-memory captures. */
  readonly writerFor?: (node: SinkNode) => SinkWriter<unknown>;
  /** Lets the test driver wrap each source's watermark strategy. */
  readonly strategyFor?: (node: SourceNode) => WatermarkStrategy<unknown>;
}

/**
 * The running graph, driven synchronously: deliver a source batch, advance processing time,
 * finish a source. The production runner and the StreamTestDriver both drive this same object;
 * only the runner awaits I/O.
 */
export class JobRuntime implements ProcessingTimeScheduler {
  readonly nodes: RuntimeNode[] = [];
  readonly sources: SourceTask<unknown>[] = [];
  /** For each source task, the id of its plan node. */
  readonly sourceNodeIds: number[] = [];
  readonly writers: { node: RuntimeNode; writer: SinkWriter<unknown> }[] = [];
  /** Nodes whose operator does its own I/O (asyncMap), in plan (topological) order. */
  private readonly asyncNodes: RuntimeNode[] = [];
  private nextPt = Number.POSITIVE_INFINITY;
  /** Set by the checkpoint coordinator and the restore; null without checkpoints. */
  checkpointMetrics: CheckpointMetrics | null = null;
  readonly startedAt: number;
  /** Processing latency, measured at the sinks. */
  readonly latency = new LatencyTracker();
  /** For each node, the sink nodes downstream of it (whose backlog can block it). */
  private readonly sinksBelow: number[][];
  /** When keyed-state sizes were last read (a heap backend's byte estimate walks its state). */
  private stateStatsDue = Number.NEGATIVE_INFINITY;

  constructor(readonly plan: Plan, readonly jobName: string, private readonly options: RuntimeOptions) {
    this.startedAt = options.clock.now();
    const { batchSize, clock } = options;
    for (const n of plan.nodes) {
      const op = n.kind === 'sink'
        ? new SinkOperator(options.writerFor?.(n) ?? (n.sink as Sink<unknown>).createWriter({ operatorName: n.name, guarantee: writerGuarantee(n.sink as Sink<unknown>, options.checkpoints?.guarantee) }))
        : createOperator(n, options.stateBackend);
      const node = new RuntimeNode(n.id, n.kind, n.name, op, n.inputs.length, batchSize, clock, this);
      this.nodes.push(node);
      if (op instanceof SinkOperator) this.writers.push({ node, writer: op.writer });
      if (node.op?.async !== undefined) this.asyncNodes.push(node);
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
        this.sourceNodeIds.push(n.id);
        this.sources.push(new SourceTask(node, reader, options.strategyFor?.(n) ?? n.strategy, options.badInput, options.log));
      }
    }
    this.sinksBelow = plan.nodes.map(() => []);
    for (let i = plan.nodes.length - 1; i >= 0; i--) {
      const n = plan.nodes[i];
      const below = n.kind === 'sink' ? [n.id] : this.sinksBelow[i];
      for (const input of n.inputs) for (const s of below) if (!this.sinksBelow[input].includes(s)) this.sinksBelow[input].push(s);
    }
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
        if (n.op!.async!.drain()) moved = true;
      } catch (e) {
        throw OperatorError.wrap(n.name, e);
      }
      n.flushOutputs();
    }
    return moved;
  }

  /** Some async operator still holds records (in flight, backing off, or waiting for their turn). */
  get asyncBusy(): boolean {
    for (const n of this.asyncNodes) if (n.op!.async!.held > 0) return true;
    return false;
  }

  /** Some async operator is at capacity: sources should not read until it makes progress. */
  get asyncFull(): boolean {
    for (const n of this.asyncNodes) if (n.op!.async!.full) return true;
    return false;
  }

  /** Attempts whose promise has not settled, over all async operators. */
  get asyncOutstanding(): number {
    let k = 0;
    for (const n of this.asyncNodes) k += n.op!.async!.outstanding;
    return k;
  }

  /** Resolves when any async operator's attempt settles; null when none is outstanding. */
  whenAsyncProgress(): Promise<void> | null {
    const waits = this.asyncNodes.filter((n) => n.op!.async!.outstanding > 0).map((n) => n.op!.async!.whenProgress());
    return waits.length === 0 ? null : Promise.race(waits);
  }

  /** Releases operators (and their state backends); after the final checkpoint. */
  closeOperators(): void {
    for (const n of this.nodes) n.op?.close?.();
  }

  metrics(): JobMetricsSnapshot {
    let recordsIn = 0;
    let recordsOut = 0;
    let lateDropped = 0;
    let lateToSideOutput = 0;
    let deadLetters = 0;
    let watermark = Number.POSITIVE_INFINITY;
    for (const n of this.nodes) {
      const m = n.metrics;
      if (n.kind === 'source') {
        recordsIn += m.recordsOut;
        watermark = Math.min(watermark, m.watermark);
      }
      if (n.kind === 'sink') recordsOut += m.recordsIn;
      lateDropped += m.lateDropped;
      lateToSideOutput += m.lateToSideOutput;
      deadLetters += m.deadLetters;
    }
    const now = this.options.clock.now();
    if (now >= this.stateStatsDue) this.readStateStats(now);
    const operators = this.nodes.map((n) => {
      let blocked = 0;
      for (const s of this.sinksBelow[n.id]) blocked += this.nodes[s].metrics.backpressuredMs;
      return n.kind === 'sink' ? { ...n.metrics } : { ...n.metrics, backpressuredMs: blocked };
    });
    return {
      job: this.jobName, startedAt: this.startedAt, now, recordsIn, recordsOut,
      lateDropped, lateToSideOutput, deadLetters, watermark, operators,
      checkpoints: this.checkpointMetrics,
      sources: this.sources.map((s) => s.splitMetrics()),
      latency: this.latency.snapshot(),
    };
  }

  /** Refreshes each keyed operator's state size; between batches only (LMDB writes back its cache). */
  private readStateStats(now: number): void {
    const t0 = stopwatchMs();
    for (const n of this.nodes) {
      const backend = n.op?.backend;
      if (backend === undefined) continue;
      let keys = 0;
      let bytes = 0;
      try {
        for (const t of backend.stats()) {
          if (t.name.startsWith('__')) continue;
          keys += t.keys;
          bytes += t.bytes;
        }
      } catch {
        continue; // a closed backend (the job has ended) keeps its last figures
      }
      n.metrics.stateKeys = keys;
      n.metrics.stateBytes = bytes;
    }
    this.stateStatsDue = now + Math.max(STATE_STATS_MIN_EVERY_MS, (stopwatchMs() - t0) / STATE_STATS_MAX_SHARE);
  }
}
