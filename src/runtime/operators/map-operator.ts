import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Applies a function to each record; keeps its timestamp.
 *
 * @example
 * new MapOperator((c: Click) => c.page);
 */
export class MapOperator<I, O> implements Operator<I, O> {
  private out!: Output<O>;
  constructor(private readonly fn: (value: I) => O) {}
  open(_ctx: OperatorContext, out: Output<O>): void {
    this.out = out;
  }
  process(batch: Batch<I>): void {
    const fn = this.fn;
    const out = this.out;
    const values = batch.values;
    const times = batch.times;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) out.emit(fn(values[i]), times[i]);
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }
}
