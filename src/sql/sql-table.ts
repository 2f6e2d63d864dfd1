import { explainRel } from './explain-rel.ts';
import type { Rel } from './rel.ts';
import { formatType } from './sql-type.ts';

/**
 * The result of `tEnv.sqlQuery(...)` (or a stream registered with `fromDataStream`): a query not
 * yet running. Hand it to `tEnv.toDataStream<T>(table)` to get its rows as a typed stream, or
 * register it as a view for other queries with `tEnv.createTemporaryView(name, table)`.
 *
 * @example
 * const hot = tEnv.sqlQuery('SELECT auction, price FROM bid WHERE price > 1000');
 * hot.columns; // [{ name: 'auction', type: 'BIGINT' }, { name: 'price', type: 'BIGINT' }]
 */
export interface SqlTable {
  /** The result's columns with their SQL types, in order. */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** The logical plan, as an indented tree. */
  explain(): string;
}

/** @internal */
export class SqlTableImpl implements SqlTable {
  constructor(readonly owner: object, readonly rel: Rel) {}

  get columns(): { name: string; type: string }[] {
    return this.rel.fields.map((f) => ({ name: f.name, type: formatType(f.type) }));
  }

  explain(): string {
    return explainRel(this.rel);
  }
}
