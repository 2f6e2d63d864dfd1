import type { Collector } from '../../functions/collector.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { ProcessContext, ProcessFunction } from '../../functions/process-function.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Runs a ProcessFunction: one context and one collector, reused for every record.
 *
 * @example
 * new ProcessOperator({ processElement: (v, ctx, out) => out.collect(v) });
 */
export class ProcessOperator<I, O> implements Operator<I, O>, ProcessContext, Collector<O> {
  private out!: Output<O>;
  private ctx!: OperatorContext;
  private time = 0;
  constructor(private readonly fn: ProcessFunction<I, O>) {}

  open(ctx: OperatorContext, out: Output<O>): void {
    this.ctx = ctx;
    this.out = out;
    this.fn.open?.({ operatorName: ctx.name });
  }
  process(batch: Batch<I>): void {
    const values = batch.values;
    const times = batch.times;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        this.time = times[i];
        this.fn.processElement(values[i], this, this);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }
  close(): void {
    this.fn.close?.();
  }

  collect(value: O): void {
    this.out.emit(value, this.time);
  }
  timestamp(): number {
    return this.time;
  }
  currentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  currentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.out.emitSide(tag, value, this.time);
  }
}
