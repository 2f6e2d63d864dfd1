import type { Expr, Select } from './ast.ts';
import { AGGREGATES, bindExpression, intervalMs, type BindContext, type UserFunction } from './bind-expression.ts';
import { calc, relationNamed, selectItems, type QueryContext } from './bind-query.ts';
import { sameExpr, substitute, type BoundExpr } from './bound-expr.ts';
import { propertyFields, type AggregateCall, type Rel } from './rel.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { SqlError, unsupported, type SqlPosition } from './sql-error.ts';
import { formatType, isInteger, isNumeric, isTemporal, sqlType, withNullable, type SqlType } from './sql-type.ts';
import type { WindowSpec } from './window-spec.ts';

/** FROM TABLE(TUMBLE/HOP(...)): the input, its names, the windows, and the alias of the call. */
export interface WindowedFrom {
  readonly input: Rel;
  readonly inputColumns: readonly ScopeColumn[];
  readonly spec: WindowSpec;
  readonly alias: string | null;
  readonly pos: SqlPosition;
}

const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'] as const;

/**
 * Binds a window table function call: TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]) or
 * HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]). The time column must be the table's
 * event-time attribute (WATERMARK FOR it), since windows are cut by the records' timestamps.
 *
 * @example
 * bindWindowTableFunction(parsedCall, ctx, null); // { spec: { kind: 'HOP', size: 10_000, slide: 2_000, offset: 0 }, ... }
 */
export function bindWindowTableFunction(call: Expr & { kind: 'call' }, ctx: QueryContext, alias: string | null): WindowedFrom {
  const name = call.name.toUpperCase();
  if (name === 'SESSION') throw unsupported('the SESSION window table function', call.pos, 'use TUMBLE, HOP or CUMULATE');
  if (name !== 'TUMBLE' && name !== 'HOP' && name !== 'CUMULATE') {
    throw unsupported(`the table function ${call.name}`, call.pos, 'the window table functions TUMBLE, HOP and CUMULATE are supported');
  }
  const [table, descriptor, ...times] = call.args;
  const usage = name === 'TUMBLE' ? "TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)" : `${name}(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)`;
  const want = name === 'TUMBLE' ? [1, 2] : [2, 3];
  if (table?.kind !== 'table-arg' || descriptor?.kind !== 'descriptor' || times.length < want[0] || times.length > want[1]) {
    throw new SqlError(`${name} takes TABLE, DESCRIPTOR and ${name === 'TUMBLE' ? 'a size' : name === 'HOP' ? 'a slide and a size' : 'a step and a size'}`, call.pos, `as in ${usage}`);
  }
  const ms = times.map((t) => {
    if (t.kind !== 'interval') throw new SqlError(`${name}: expected an INTERVAL literal`, t.pos, `as in ${usage}`);
    const v = intervalMs(t);
    if (v <= 0 && t !== times[want[0]]) throw new SqlError(`${name}: the interval must be positive`, t.pos);
    return v;
  });
  const input = relationNamed(table.name, ctx, table.pos);
  const tableAlias = table.name[table.name.length - 1];
  const inputColumns = input.fields.map((f) => ({ qualifier: alias ?? tableAlias, name: f.name, expr: f.expr }));
  if (descriptor.columns.length !== 1) throw new SqlError(`${name}: DESCRIPTOR names one time column`, descriptor.pos);
  const timeColumn = input.fields.find((f) => f.name === descriptor.columns[0]);
  if (timeColumn === undefined) throw new Scope(inputColumns).resolve([descriptor.columns[0]], descriptor.pos);
  if (timeColumn.type.rowtime !== true) {
    throw new SqlError(`${name}: '${timeColumn.name}' is not an event-time attribute (${formatType(timeColumn.type)})`, descriptor.pos,
      `declare it in the table: WATERMARK FOR ${timeColumn.name} AS ${timeColumn.name} - INTERVAL '5' SECOND`);
  }
  const offset = ms[want[0]] ?? 0;
  const spec: WindowSpec = name === 'TUMBLE' ? { kind: 'TUMBLE', size: ms[0], offset }
    : name === 'HOP' ? { kind: 'HOP', slide: ms[0], size: ms[1], offset } : { kind: 'CUMULATE', step: ms[0], size: ms[1], offset };
  if (spec.kind !== 'TUMBLE' && spec.size % (spec.kind === 'HOP' ? spec.slide : spec.step) !== 0) {
    throw unsupported(`${name} with a size that is not a multiple of the ${spec.kind === 'HOP' ? 'slide' : 'step'}`, times[1].pos, 'Flink requires it too: choose a size that it divides');
  }
  if (Math.abs(offset) >= spec.size) throw new SqlError(`${name}: the offset must be shorter than the window`, times[want[0]].pos);
  return { input, inputColumns, spec, alias, pos: call.pos };
}

function aggregateType(fn: AggregateCall['fn'], arg: BoundExpr | null, pos: SqlPosition): SqlType {
  if (fn === 'COUNT') return sqlType('BIGINT', false);
  const t = (arg as BoundExpr).type;
  if ((fn === 'SUM' || fn === 'AVG') && !isNumeric(t)) throw new SqlError(`${fn} expects a number, got ${formatType(t)}`, pos);
  if ((fn === 'MIN' || fn === 'MAX') && !isNumeric(t) && !isTemporal(t) && t.name !== 'STRING') throw new SqlError(`${fn} expects a number, text or time, got ${formatType(t)}`, pos);
  if (fn === 'SUM' && isInteger(t)) return sqlType(t.name === 'BIGINT' ? 'BIGINT' : 'INT');
  return withNullable(t, true);
}

/**
 * Binds SELECT ... FROM TABLE(window function) [WHERE ...] GROUP BY window_start, window_end, keys
 * [HAVING ...]: a window aggregation, with a calc for the select list and HAVING on top.
 *
 * @example
 * bindWindowAggregate(select, windowedFrom, functions); // calc over window-aggregate
 */
export function bindWindowAggregate(s: Select, w: WindowedFrom, functions: ReadonlyMap<string, UserFunction>): Rel {
  const inputScope = new Scope(w.inputColumns);
  const plain: BindContext = { scope: inputScope, functions, aggregateError: 'an aggregate cannot be inside another, nor in WHERE or GROUP BY' };
  const isWindowColumn = (e: Expr): string | null =>
    e.kind === 'ident' && (e.parts.length === 1 || (e.parts.length === 2 && e.parts[0] === w.alias)) && (WINDOW_COLUMNS as readonly string[]).includes(e.parts[e.parts.length - 1])
      ? e.parts[e.parts.length - 1] : null;

  let input = w.input;
  if (s.where !== null) {
    const windowRef = findWindowColumn(s.where, isWindowColumn);
    if (windowRef !== null) throw unsupported(`${isWindowColumn(windowRef)} in WHERE`, windowRef.pos, 'filter the windows in HAVING, or in an outer query');
    input = calc(input, bindExpression(s.where, plain), null);
  }
  if (s.groupBy.length === 0) {
    throw unsupported('a window table function without GROUP BY', w.pos, 'aggregate its windows: GROUP BY window_start, window_end[, ...]');
  }
  const keys: BoundExpr[] = [];
  const grouped = new Set<string>();
  for (const g of s.groupBy) {
    const wc = isWindowColumn(g);
    if (wc !== null) grouped.add(wc);
    else keys.push(bindExpression(g, plain));
  }
  if (!grouped.has('window_start') || !grouped.has('window_end')) {
    throw new SqlError('a window aggregation must GROUP BY both window_start and window_end', s.groupBy[0].pos, 'add them: GROUP BY window_start, window_end, ...');
  }
  const aggregates: AggregateCall[] = [];
  const timestamp = sqlType('TIMESTAMP', false, { precision: 3 });
  const outScope = new Scope(WINDOW_COLUMNS.map((name) => ({
    qualifier: w.alias, name, expr: { kind: 'column', prop: name, type: name === 'window_time' ? { ...timestamp, rowtime: true } : timestamp },
  })));
  const rewrite = (e: Expr): BoundExpr | null => {
    if (e.kind === 'call' && e.over === null && AGGREGATES.has(e.name.toUpperCase())) return aggregateCall(e);
    if (isWindowColumn(e) !== null) return null;
    let bound: BoundExpr;
    try {
      bound = bindExpression(e, plain);
    } catch {
      return null;
    }
    const k = keys.findIndex((key) => sameExpr(key, bound));
    if (k !== -1) return { kind: 'column', prop: `k${k}`, type: keys[k].type };
    if (e.kind === 'ident') throw new SqlError(`column '${e.parts.join('.')}' is neither in GROUP BY nor inside an aggregate`, e.pos, 'add it to GROUP BY, or aggregate it (MAX, MIN, ...)');
    return null;
  };
  const aggregateCall = (e: Expr & { kind: 'call' }): BoundExpr => {
    const fn = e.name.toUpperCase() as AggregateCall['fn'];
    if (e.distinct && fn !== 'COUNT') throw unsupported(`${fn}(DISTINCT ...)`, e.pos, 'COUNT(DISTINCT ...) is supported');
    if (e.star && fn !== 'COUNT') throw new SqlError(`${fn}(*) is not an aggregate`, e.pos, 'only COUNT(*) counts rows');
    if (!e.star && e.args.length !== 1) throw new SqlError(`${fn} takes one argument`, e.pos);
    const arg = e.star ? null : bindExpression(e.args[0], plain);
    const filter = e.filter === null ? null : bindExpression(e.filter, plain);
    if (filter !== null && filter.type.name !== 'BOOLEAN') throw new SqlError(`FILTER expects a condition (BOOLEAN), got ${formatType(filter.type)}`, e.pos);
    const type = aggregateType(fn, arg, e.pos);
    const call: AggregateCall = { fn, arg, distinct: e.distinct, filter, type };
    let i = aggregates.findIndex((a) => a.fn === fn && a.distinct === e.distinct && sameOrNull(a.arg, arg) && sameOrNull(a.filter, filter));
    if (i === -1) {
      i = aggregates.length;
      aggregates.push(call);
    }
    return { kind: 'column', prop: `a${i}`, type };
  };
  const agg: BindContext = { scope: outScope, functions, rewrite, aggregateError: 'an aggregate cannot be inside another' };
  const projections = selectItems(s, outScope, agg);
  let having: BoundExpr | null = null;
  if (s.having !== null) {
    having = bindExpression(s.having, agg);
    if (having.type.name !== 'BOOLEAN') throw new SqlError(`HAVING expects a condition (BOOLEAN), got ${formatType(having.type)}`, s.having.pos);
  }
  const fields = propertyFields([
    ...keys.map((k, i) => ({ name: `k${i}`, type: k.type })),
    { name: 'window_start', type: timestamp }, { name: 'window_end', type: timestamp }, { name: 'window_time', type: { ...timestamp, rowtime: true } },
    ...aggregates.map((a, i) => ({ name: `a${i}`, type: a.type })),
  ]);
  const rel: Rel = pruned(input, keys, aggregates, w.spec, fields);
  return calc(rel, having, projections);
}

/**
 * The aggregation reads its input's projections itself, so that the rows it groups are not
 * built first: keys and arguments are substituted through a projecting calc, which is left a
 * filter (or nothing).
 */
function pruned(input: Rel, keys: readonly BoundExpr[], aggregates: readonly AggregateCall[], window: WindowSpec, fields: Rel['fields']): Rel {
  if (input.kind !== 'calc' || input.projections === null) return { kind: 'window-aggregate', input, window, keys, aggregates, fields };
  const projections = input.projections;
  const byName = new Map(input.fields.map((f, i) => [f.name, projections[i].expr] as const));
  const through = (e: BoundExpr | null): BoundExpr | null => (e === null ? null : substitute(e, byName));
  return {
    kind: 'window-aggregate',
    input: input.condition === null ? input.input : calc(input.input, input.condition, null),
    window,
    keys: keys.map((k) => substitute(k, byName)),
    aggregates: aggregates.map((a) => ({ ...a, arg: through(a.arg), filter: through(a.filter) })),
    fields,
  };
}

const sameOrNull = (a: BoundExpr | null, b: BoundExpr | null): boolean => (a === null || b === null ? a === b : sameExpr(a, b));

function findWindowColumn(e: Expr, isWindowColumn: (e: Expr) => string | null): Expr | null {
  if (isWindowColumn(e) !== null) return e;
  const children: Expr[] = [];
  switch (e.kind) {
    case 'binary': children.push(e.left, e.right); break;
    case 'unary': case 'is': case 'cast': children.push(e.operand); break;
    case 'between': children.push(e.operand, e.low, e.high); break;
    case 'call': children.push(...e.args); break;
    case 'in': children.push(e.operand, ...(e.list ?? [])); break;
    case 'like': children.push(e.operand, e.pattern); break;
    case 'case': if (e.operand) children.push(e.operand); for (const x of e.whens) children.push(x.when, x.then); if (e.otherwise) children.push(e.otherwise); break;
    default: break;
  }
  for (const c of children) {
    const found = findWindowColumn(c, isWindowColumn);
    if (found !== null) return found;
  }
  return null;
}
