import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState } from '../operator-capabilities.ts';
import type { TemporalJoinSpec } from './temporal-join-operator.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Lookup join (processing time): input 1, the table's changelog, keeps the latest row per key;
 * each record of input 0 joins the row the table holds when the record arrives, at once. Cheap and
 * without waiting, but the result depends on how the two inputs interleave (use the temporal join
 * for a deterministic, event-time answer).
 *
 * @example
 * new TableJoinOperator({ key: (o) => o.sku, tableKey: (p) => p.sku, tableValue: (p) => p,
 *   join: (o, p) => ({ ...o, price: p?.price }), mode: 'left', lateTag: null }, new HeapStateBackend());
 */
export class TableJoinOperator implements Operator<unknown, unknown>, KeyedState {
  private out!: Output<unknown>;
  private latest!: StateTable<unknown>;

  constructor(private readonly spec: Omit<TemporalJoinSpec, 'lateTag'>, readonly backend: KeyedStateBackend) {}

  open(_ctx: OperatorContext, out: Output<unknown>): void {
    this.out = out;
    this.latest = this.backend.table<unknown>('latest');
  }

  process(batch: Batch<unknown>, input: number): void {
    const { values, times } = batch;
    if (input === 1) {
      const { tableKey, tableValue } = this.spec;
      let i = 0;
      try {
        for (const n = batch.length; i < n; i++) {
          const k: Key = tableKey(values[i]);
          const row = tableValue(values[i]);
          if (row === null || row === undefined) this.latest.delete(k);
          else this.latest.put(k, row);
        }
      } catch (e) {
        throw failedAt(e, batch, i);
      }
      return;
    }
    const { key, join, mode } = this.spec;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const row = this.latest.get(key(values[i]));
        if (row !== undefined) this.out.emit(join(values[i], row), times[i]);
        else if (mode === 'left') this.out.emit(join(values[i], null), times[i]);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  close(): void {
    this.backend.close();
  }
}
