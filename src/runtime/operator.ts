import type { OutputTag } from '../functions/output-tag.ts';
import type { OperatorMetrics } from '../metrics/operator-metrics.ts';
import type { Clock } from '../time/clock.ts';
import type { KeyedStateBackend } from '../state/state-table.ts';
import type { Batch } from './batch.ts';
import type { AsyncWork } from './operators/async-work.ts';

/** Where an operator emits: its main output and its side outputs. */
export interface Output<T> {
  emit(value: T, time: number): void;
  /** Hands an input batch on unchanged. */
  forward(batch: Batch<T>): void;
  emitSide<S>(tag: OutputTag<S>, value: S, time: number): void;
}

/** What the runtime gives an operator when it opens. */
export interface OperatorContext {
  readonly name: string;
  readonly clock: Clock;
  readonly metrics: OperatorMetrics;
  /** The operator's current input watermark (min over its inputs). */
  currentWatermark(): number;
  /** Asks for an `onProcessingTime` call once the clock reaches `time`. */
  requestProcessingTime(time: number): void;
  /** For operators that generate watermarks themselves (assignTimestampsAndWatermarks). */
  emitWatermark(watermark: number): void;
  /**
   * Keeps a late record or dead letter for display (the dashboard shows the last few per
   * operator); call it where the matching counter is bumped. Not for the per-record path.
   */
  sample(kind: 'late' | 'dead-letter', value: unknown, time: number, reason: string): void;
}

/**
 * The narrow operator lifecycle. Operators that do not define `onWatermark` are never woken for
 * watermarks (map and filter just pass them on).
 *
 * @example
 * class Upper implements Operator<string, string> {
 *   private out!: Output<string>;
 *   open(_ctx: OperatorContext, out: Output<string>) { this.out = out; }
 *   process(b: Batch<string>) { for (let i = 0; i < b.length; i++) this.out.emit(b.values[i].toUpperCase(), b.times[i]); }
 * }
 */
export interface Operator<I, O> {
  open(ctx: OperatorContext, out: Output<O>): void;
  process(batch: Batch<I>, input: number): void;
  onWatermark?(watermark: number): void;
  /** Called once the output of a `process` call has been handed on. */
  afterBatch?(): void;
  onProcessingTime?(now: number): void;
  /** Operators that replace upstream watermarks with their own (only +Infinity passes through). */
  readonly generatesWatermarks?: boolean;
  /** Operators that pass every watermark on themselves, +Infinity included (asyncMap holds them behind records in flight). */
  readonly holdsWatermarks?: boolean;
  /** Operators with I/O of their own (asyncMap): the runtime drains their results between steps. */
  readonly async?: AsyncWork;
  /** Called after the final watermark when the input has ended. */
  finish?(): void;
  /** Operator-local state that is not in `backend` (timers, panes), as structured-clonable data. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** Keyed state: the runtime checkpoints it (its `StateCheckpointing` face); the operator uses only its tables (`StateStorage`). */
  readonly backend?: KeyedStateBackend;
  close?(): void;
}
