import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Keeps the records for which the predicate is true.
 *
 * @example
 * new FilterOperator((c: Click) => c.page !== '/health');
 */
export class FilterOperator<T> implements Operator<T, T> {
  private out!: Output<T>;
  constructor(private readonly fn: (value: T) => boolean) {}
  open(_ctx: OperatorContext, out: Output<T>): void {
    this.out = out;
  }
  process(batch: Batch<T>): void {
    const fn = this.fn;
    const out = this.out;
    const values = batch.values;
    const times = batch.times;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) if (fn(values[i])) out.emit(values[i], times[i]);
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }
}
