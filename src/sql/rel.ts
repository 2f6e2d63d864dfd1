import type { DataStream } from '../api/data-stream.ts';
import type { BoundExpr } from './bound-expr.ts';
import type { SqlType } from './sql-type.ts';
import type { TableDefinition } from './table-definition.ts';
import type { WindowSpec } from './window-spec.ts';

/**
 * A column of a relation: its name, its type, and how to read it from the relation's records
 * (a property read for most, an expression over the source record for a computed column).
 */
export interface RelField {
  readonly name: string;
  readonly type: SqlType;
  readonly expr: BoundExpr;
}

/** A column of a projection: its name and value. */
export interface Projection {
  readonly name: string;
  readonly expr: BoundExpr;
}

/** An aggregate call of a GROUP BY query, bound. */
export interface AggregateCall {
  readonly fn: 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG';
  /** null for COUNT(*). */
  readonly arg: BoundExpr | null;
  readonly distinct: boolean;
  /** FILTER (WHERE ...). */
  readonly filter: BoundExpr | null;
  readonly type: SqlType;
}

/**
 * The logical plan of a query: relations that the planner turns into the typed API's operators.
 * Frozen data; a `calc` over a `calc` is folded into one when the query is bound.
 */
export type Rel =
  | { readonly kind: 'scan'; readonly table: TableDefinition; readonly fields: readonly RelField[] }
  /** A DataStream registered with fromDataStream / createTemporaryView. */
  | { readonly kind: 'stream'; readonly name: string; readonly stream: DataStream<unknown>; readonly fields: readonly RelField[] }
  /**
   * Filter and projection: rows of `input` where `condition` is TRUE, as objects of `projections`
   * (null: the input's records as they are, a filter only).
   */
  | {
    readonly kind: 'calc'; readonly input: Rel; readonly condition: BoundExpr | null;
    readonly projections: readonly Projection[] | null; readonly fields: readonly RelField[];
  }
  /**
   * Aggregation per group key and window. Its records have the properties k0.. (keys),
   * window_start, window_end, window_time and a0.. (aggregates).
   */
  | {
    readonly kind: 'window-aggregate'; readonly input: Rel; readonly window: WindowSpec;
    readonly keys: readonly BoundExpr[]; readonly aggregates: readonly AggregateCall[]; readonly fields: readonly RelField[];
  }
  | { readonly kind: 'union'; readonly inputs: readonly Rel[]; readonly fields: readonly RelField[] };

/** The fields of a relation whose records carry them as properties of those names. */
export const propertyFields = (fields: readonly { readonly name: string; readonly type: SqlType }[]): RelField[] =>
  fields.map((f) => ({ name: f.name, type: f.type, expr: { kind: 'column', prop: f.name, type: f.type } }));
