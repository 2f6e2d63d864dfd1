import type { AggregateFunction } from '../../functions/aggregate-function.ts';
import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState } from '../operator-capabilities.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Rolling aggregation on a keyed stream: after every record, emits the key's updated aggregate.
 *
 * @example
 * new RollingOperator((o: Order) => o.user, Aggregates.sum((o: Order) => o.amount), (key, sum) => ({ key, value: sum }), backend);
 */
export class RollingOperator<T, ACC, O> implements Operator<T, O>, KeyedState {
  private out!: Output<O>;
  private table!: StateTable<ACC>;

  constructor(
    private readonly key: (value: T) => Key,
    private readonly agg: AggregateFunction<T, ACC, unknown>,
    private readonly emit: { emit(key: Key, result: unknown, value: T): O }['emit'],
    readonly backend: KeyedStateBackend,
  ) {}

  open(_ctx: OperatorContext, out: Output<O>): void {
    this.out = out;
    this.table = this.backend.table<ACC>('rolling');
  }

  process(batch: Batch<T>): void {
    const { key, agg, emit, table, out } = this;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const k = key(v);
        const prev = table.get(k);
        const acc = agg.add(v, prev === undefined ? agg.createAccumulator() : prev);
        table.put(k, acc);
        out.emit(emit(k, agg.getResult(acc), v), batch.times[i]);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  close(): void {
    this.backend.close();
  }
}
