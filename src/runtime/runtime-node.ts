import { DEAD_LETTERS, type DeadLetter } from '../functions/dead-letter.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import { beginBusy, endBusy } from '../metrics/busy-time.ts';
import type { LatencyTracker } from '../metrics/latency-tracker.ts';
import { OperatorMetrics } from '../metrics/operator-metrics.ts';
import { previewValue, type RecordSample, SampleRing } from '../metrics/sample-ring.ts';
import type { Clock } from '../time/clock.ts';
import { WatermarkMerge } from '../time/watermark-merge.ts';
import { type Batch, type BatchTarget, OutputBuffer } from './batch.ts';
import type { KeyedStateBackend } from '../state/state-table.ts';
import type { Operator, OperatorContext, Output } from './operator.ts';
import { type Capabilities, capabilitiesOf, type LocalState } from './operator-capabilities.ts';
import type { AsyncWork } from './operators/async-work.ts';
import { OperatorError } from './operator-error.ts';
import type { SourceOutput } from './source-task.ts';

/** Late records and dead letters kept per operator for the dashboard. */
const SAMPLES_PER_OPERATOR = 20;

/** A late record or dead letter as kept: the value itself, previewed only when read. */
interface RawSample {
  readonly at: number;
  readonly kind: 'late' | 'dead-letter';
  readonly time: number;
  readonly value: unknown;
  readonly reason: string;
}

/** Tells the scheduler that a node wants `onProcessingTime` at some time. */
export interface ProcessingTimeScheduler {
  request(node: RuntimeNode, time: number): void;
}

/**
 * One operator in the running graph: receives batches, tracks its input watermarks (min over
 * inputs that are not idle), and passes output and watermarks on, in that order.
 */
export class RuntimeNode implements BatchTarget, Output<unknown>, OperatorContext, SourceOutput {
  readonly out: OutputBuffer<unknown>;
  readonly sideOuts = new Map<string, OutputBuffer<unknown>>();
  readonly metrics: OperatorMetrics;
  /** Watermarks and idleness of the inputs. */
  private readonly inputs: WatermarkMerge;
  private wm = Number.NEGATIVE_INFINITY;
  private idle = false;
  /** Earliest processing time this node asked to be called at. */
  ptDeadline = Number.POSITIVE_INFINITY;
  /** Set on sources (they stamp ingestion time) and sinks (they measure latency); null elsewhere. */
  latency: LatencyTracker | null = null;
  /** The last late records and dead letters of this operator (created on the first one), raw. */
  private samples: SampleRing<RawSample> | null = null;
  /** What the operator can do beyond open, process and close, found once (see operator-capabilities.ts). */
  private readonly can: Capabilities;
  /** The operator's keyed state, local state and async work, for the graph and its cut; null when it has none. */
  readonly backend: KeyedStateBackend | null;
  readonly local: LocalState | null;
  readonly async: AsyncWork | null;

  constructor(
    readonly id: number,
    readonly kind: string,
    readonly name: string,
    readonly op: Operator<unknown, unknown> | null,
    inputCount: number,
    batchSize: number,
    readonly clock: Clock,
    private readonly scheduler: ProcessingTimeScheduler,
  ) {
    this.out = new OutputBuffer(batchSize);
    this.metrics = new OperatorMetrics(id, kind, name);
    this.inputs = new WatermarkMerge(inputCount);
    this.can = capabilitiesOf(op);
    this.backend = this.can.backend;
    this.local = this.can.local;
    this.async = this.can.async;
  }

  sideOutput(tagId: string, batchSize: number): OutputBuffer<unknown> {
    let b = this.sideOuts.get(tagId);
    if (b === undefined) {
      b = new OutputBuffer(batchSize);
      this.sideOuts.set(tagId, b);
    }
    return b;
  }

  open(): void {
    try {
      this.op?.open(this, this);
    } catch (e) {
      throw OperatorError.wrap(this.name, e);
    }
  }

  // --- BatchTarget ---------------------------------------------------------------------------

  receive(batch: Batch<unknown>, input: number): void {
    this.metrics.recordsIn += batch.length;
    if (this.latency !== null && this.kind === 'sink') this.latency.onSinkBatch(batch.times, batch.length, this.clock.now());
    if (this.op === null) {
      this.out.forward(batch);
      this.metrics.recordsOut = this.out.emitted;
      return;
    }
    const t0 = beginBusy();
    try {
      this.op.process(batch, input);
      this.flushOutputs();
      if (this.can.afterBatch !== null) this.can.afterBatch.afterBatch();
    } catch (e) {
      throw OperatorError.wrap(this.name, e);
    } finally {
      endBusy(this.metrics, t0);
    }
  }

  onInputWatermark(input: number, watermark: number): void {
    const inputs = this.inputs;
    // A watermark from an idle input wakes it, even one that does not move it forward.
    if (!inputs.raise(input, watermark) && !inputs.isIdle(input)) return;
    inputs.setIdle(input, false);
    this.recompute();
  }

  onInputIdle(input: number, idle: boolean): void {
    if (this.inputs.setIdle(input, idle)) this.recompute();
  }

  private recompute(): void {
    const min = this.inputs.merge();
    if (this.inputs.live === 0) {
      if (!this.idle) {
        this.idle = true;
        this.propagateIdle(true);
      }
      return;
    }
    if (this.idle) {
      this.idle = false;
      this.propagateIdle(false);
    }
    if (min > this.wm) this.advanceTo(min);
  }

  /** Moves this node's input watermark forward, fires what it makes due, passes it on. */
  advanceTo(wm: number): void {
    this.wm = wm;
    if (this.can.watermarks !== null) {
      const t0 = beginBusy();
      try {
        this.can.watermarks.onWatermark(wm);
        this.flushOutputs();
      } catch (e) {
        throw OperatorError.wrap(this.name, e);
      } finally {
        endBusy(this.metrics, t0);
      }
    }
    const policy = this.can.watermarkPolicy;
    if (policy === 'hold') return;
    if (policy === 'generate' && wm !== Number.POSITIVE_INFINITY) return;
    this.propagateWatermark(wm);
  }

  private propagateWatermark(wm: number): void {
    if (wm <= this.metrics.watermark) return;
    this.metrics.watermark = wm;
    this.out.watermark(wm);
    for (const side of this.sideOuts.values()) side.watermark(wm);
  }

  /** Watermarks of this node, for checkpoints. */
  watermarkState(): { watermark: number; inputs: number[]; idle: boolean[] } {
    return { watermark: this.wm, inputs: this.inputs.watermarks(), idle: this.inputs.idleness() };
  }

  /** Puts back checkpointed watermarks, before any record flows (nothing fires). */
  restoreWatermarks(watermark: number, inputs: readonly number[]): void {
    this.wm = watermark;
    this.metrics.watermark = watermark;
    for (let i = 0; i < this.inputs.size && i < inputs.length; i++) this.inputs.raise(i, inputs[i]);
  }

  // --- SourceOutput (source nodes) ------------------------------------------------------------

  deadLetter(letter: DeadLetter, now: number, emit: boolean): boolean {
    this.metrics.deadLetters++;
    this.sample('dead-letter', letter.raw, Number.NaN, `${letter.reason} at ${letter.position}`);
    const side = this.sideOuts.get(DEAD_LETTERS.id);
    if (side === undefined || !side.connected) return false;
    if (emit) side.emit(letter, now);
    return true;
  }

  markIngested(now: number): void {
    if (this.latency !== null) this.latency.ingestedAt = now;
  }

  /** For source nodes, which have no inputs: their split tracking decides idleness. */
  setSourceIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    this.propagateIdle(idle);
  }

  private propagateIdle(idle: boolean): void {
    this.out.idle(idle);
    for (const side of this.sideOuts.values()) side.idle(idle);
  }

  /** Runs due processing-time callbacks. */
  fireProcessingTime(now: number): void {
    this.ptDeadline = Number.POSITIVE_INFINITY;
    const t0 = beginBusy();
    try {
      this.can.processingTime?.onProcessingTime(now);
      this.flushOutputs();
    } catch (e) {
      throw OperatorError.wrap(this.name, e);
    } finally {
      endBusy(this.metrics, t0);
    }
  }

  /** The last late records and dead letters of this operator, oldest first. */
  recentSamples(): RecordSample[] {
    if (this.samples === null) return [];
    return this.samples.list().map((r) => ({ at: r.at, operator: this.name, kind: r.kind, time: r.time, preview: previewValue(r.value), reason: r.reason }));
  }

  finish(): void {
    try {
      this.can.finishing?.finish();
    } catch (e) {
      throw OperatorError.wrap(this.name, e);
    }
    this.flushOutputs();
  }

  flushOutputs(): void {
    this.out.flush();
    this.metrics.recordsOut = this.out.emitted;
    if (this.sideOuts.size > 0) for (const side of this.sideOuts.values()) side.flush();
  }

  // --- Output ----------------------------------------------------------------------------------

  emit(value: unknown, time: number): void {
    this.out.emit(value, time);
  }

  forward(batch: Batch<unknown>): void {
    this.out.forward(batch);
    this.metrics.recordsOut = this.out.emitted;
  }

  emitSide<S>(tag: OutputTag<S>, value: S, time: number): void {
    const side = this.sideOuts.get(tag.id);
    if (side === undefined || !side.connected) {
      this.metrics.unconsumedSideOutput++;
      return;
    }
    side.emit(value, time);
  }

  // --- OperatorContext -------------------------------------------------------------------------

  currentWatermark(): number {
    return this.wm;
  }

  sample(kind: 'late' | 'dead-letter', value: unknown, time: number, reason: string): void {
    // Called per late record: keep the value as it is; its preview is built when read.
    this.samples ??= new SampleRing<RawSample>(SAMPLES_PER_OPERATOR);
    this.samples.add({ at: this.clock.now(), kind, time, value, reason });
  }

  requestProcessingTime(time: number): void {
    if (time < this.ptDeadline) {
      this.ptDeadline = time;
      this.scheduler.request(this, time);
    }
  }

  emitWatermark(watermark: number): void {
    // Records the operator emitted before this watermark must reach downstream before it.
    this.flushOutputs();
    this.propagateWatermark(watermark);
  }
}
