import type { ScalarUdf } from './bind-expression.ts';
import type { SqlPosition } from './sql-error.ts';
import type { SqlType } from './sql-type.ts';

/**
 * An expression after binding: every name resolved, every type known. Columns of the input are
 * read by the property that holds them in the input's records, so a compiled expression is a
 * plain property read. `call` names an entry of the scalar function table.
 */
export type BoundExpr =
  /** The value of property `prop` of the input record. */
  | { readonly kind: 'column'; readonly prop: string; readonly type: SqlType }
  /** A field of a ROW value. */
  | { readonly kind: 'field'; readonly operand: BoundExpr; readonly name: string; readonly type: SqlType }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly type: SqlType }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly BoundExpr[]; readonly type: SqlType; readonly pos: SqlPosition }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[]; readonly otherwise: BoundExpr; readonly type: SqlType }
  | { readonly kind: 'cast'; readonly operand: BoundExpr; readonly type: SqlType; readonly try: boolean; readonly pos: SqlPosition }
  /** A user-defined scalar function, registered with createTemporarySystemFunction. */
  | { readonly kind: 'udf'; readonly name: string; readonly fn: ScalarUdf; readonly args: readonly BoundExpr[]; readonly type: SqlType };

/**
 * Replaces every column read with what the map gives for its property: how a query over a view
 * or a subquery folds into one expression over the records underneath.
 *
 * @example
 * substitute(outerWhere, new Map([['price', { kind: 'field', operand: bidColumn, name: 'price', type }]]));
 */
export function substitute(e: BoundExpr, columns: ReadonlyMap<string, BoundExpr>): BoundExpr {
  switch (e.kind) {
    case 'column': {
      const to = columns.get(e.prop);
      if (to === undefined) throw new Error(`internal: no column '${e.prop}' to substitute`);
      return to;
    }
    case 'literal': return e;
    case 'field': return { ...e, operand: substitute(e.operand, columns) };
    case 'call': return { ...e, args: e.args.map((a) => substitute(a, columns)) };
    case 'udf': return { ...e, args: e.args.map((a) => substitute(a, columns)) };
    case 'cast': return { ...e, operand: substitute(e.operand, columns) };
    case 'case': return {
      ...e,
      whens: e.whens.map((w) => ({ when: substitute(w.when, columns), then: substitute(w.then, columns) })),
      otherwise: substitute(e.otherwise, columns),
    };
  }
}

/**
 * Whether two bound expressions compute the same thing (GROUP BY matches select items this way).
 *
 * @example
 * sameExpr(boundA, boundB); // true for two reads of the same column
 */
export function sameExpr(a: BoundExpr, b: BoundExpr): boolean {
  return JSON.stringify(a, strip) === JSON.stringify(b, strip);
}

const strip = (k: string, v: unknown): unknown => (k === 'pos' ? undefined : typeof v === 'function' ? v.toString() : v);
