import type { Collector } from '../../functions/collector.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Emits zero or more records per input record through a collector (reused, never allocated per record).
 *
 * @example
 * new FlatMapOperator((line: string, out: Collector<string>) => line.split(' ').forEach((w) => out.collect(w)));
 */
export class FlatMapOperator<I, O> implements Operator<I, O>, Collector<O> {
  private out!: Output<O>;
  private time = 0;
  constructor(private readonly fn: (value: I, out: Collector<O>) => void) {}
  open(_ctx: OperatorContext, out: Output<O>): void {
    this.out = out;
  }
  collect(value: O): void {
    this.out.emit(value, this.time);
  }
  process(batch: Batch<I>): void {
    const fn = this.fn;
    const values = batch.values;
    const times = batch.times;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        this.time = times[i];
        fn(values[i], this);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }
}
