import type { Expr, FromItem, Query, QueryBody, Select } from './ast.ts';
import { AGGREGATES, bindExpression, commonType, type BindContext } from './bind-expression.ts';
import { bindWindowAggregate, bindWindowTableFunction, type WindowedFrom } from './bind-window-aggregate.ts';
import { substitute, type BoundExpr } from './bound-expr.ts';
import type { Catalog } from './catalog.ts';
import { propertyFields, type Projection, type Rel } from './rel.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { SqlError, unsupported } from './sql-error.ts';
import { formatType, sqlType } from './sql-type.ts';

/** A bound FROM clause: the relation, the names it offers, and the window function if it is one. */
export interface BoundFrom {
  readonly rel: Rel;
  readonly columns: readonly ScopeColumn[];
  readonly window: WindowedFrom | null;
}

/** What binding a query needs: the catalog, and the WITH queries in scope. */
export interface QueryContext {
  readonly catalog: Catalog;
  readonly ctes: ReadonlyMap<string, Rel>;
}

/**
 * Binds a query to a logical plan. Supported: SELECT with WHERE over tables, views, subqueries
 * and WITH queries; window aggregation over TUMBLE, HOP and CUMULATE; UNION ALL. Everything else is an
 * SqlError with its position and the nearest supported form.
 *
 * @example
 * const rel = bindQuery(parsed.query, { catalog, ctes: new Map() });
 */
export function bindQuery(q: Query, ctx: QueryContext): Rel {
  let inner = ctx;
  if (q.with.length > 0) {
    const ctes = new Map(ctx.ctes);
    for (const w of q.with) {
      const rel = bindQuery(w.query, { ...ctx, ctes });
      ctes.set(w.name, w.columns === null ? rel : renameFields(rel, w.columns, w.pos));
    }
    inner = { ...ctx, ctes };
  }
  if (q.orderBy.length > 0) throw unsupported('ORDER BY', q.orderBy[0].pos, 'a stream has no end to sort by; for the top rows per window, wait for window Top-N');
  if (q.limit !== null) throw unsupported('LIMIT', q.limit.pos, 'a stream has no end to stop at');
  return bindBody(q.body, inner);
}

function bindBody(body: QueryBody, ctx: QueryContext): Rel {
  switch (body.kind) {
    case 'select': return bindSelect(body, ctx);
    case 'nested': return bindQuery(body.query, ctx);
    case 'values': throw unsupported('VALUES', body.pos, 'read rows from a table (a datagen table, or a DataStream through tEnv.fromDataStream)');
    case 'set-operation': {
      if (body.op !== 'UNION' || !body.all) throw unsupported(`${body.op}${body.all ? ' ALL' : ''}`, body.pos, 'UNION ALL is supported');
      const left = bindBody(body.left, ctx);
      const right = bindBody(body.right, ctx);
      if (left.fields.length !== right.fields.length) {
        throw new SqlError(`UNION ALL of ${left.fields.length} and ${right.fields.length} columns`, body.pos, 'both sides need the same number of columns');
      }
      const fields = left.fields.map((f, i) => ({ name: f.name, type: commonType([f.type, right.fields[i].type], body.pos, `UNION ALL column ${f.name}`) }));
      // The right side's records get the left side's names, so one compiled reader fits both.
      const rename = (rel: Rel): Rel => calc(rel, null, rel.fields.map((f, i) => ({ name: fields[i].name, expr: f.expr })));
      const renamedRight = right.fields.every((f, i) => f.name === fields[i].name) ? right : rename(right);
      return { kind: 'union', inputs: [left, renamedRight], fields: propertyFields(fields) };
    }
  }
}

/** A calc over `input`; a calc over a calc folds into one by substitution. */
export function calc(input: Rel, condition: BoundExpr | null, projections: readonly Projection[] | null): Rel {
  if (input.kind === 'calc') {
    const byName = new Map(input.fields.map((f, i) => [f.name, input.projections === null ? f.expr : input.projections[i].expr] as const));
    const inner = input.projections === null ? null : byName;
    const cond = condition === null ? null : inner === null ? condition : substitute(condition, inner);
    const merged = input.condition === null ? cond : cond === null ? input.condition
      : { kind: 'call' as const, fn: 'AND', args: [input.condition, cond], type: sqlType('BOOLEAN', input.condition.type.nullable || cond.type.nullable), pos: { line: 0, column: 0 } };
    const proj = projections === null ? input.projections : inner === null ? projections : projections.map((p) => ({ name: p.name, expr: substitute(p.expr, inner) }));
    return calc(input.input, merged, proj);
  }
  const fields = projections === null ? input.fields : propertyFields(projections.map((p) => ({ name: p.name, type: p.expr.type })));
  return { kind: 'calc', input, condition, projections, fields };
}

function renameFields(rel: Rel, names: readonly string[], pos: { line: number; column: number }): Rel {
  if (names.length !== rel.fields.length) throw new SqlError(`${names.length} column names for ${rel.fields.length} columns`, pos);
  return calc(rel, null, rel.fields.map((f, i) => ({ name: names[i], expr: f.expr })));
}

/** Whether an expression holds an aggregate call (outside of subqueries). */
export function hasAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call': return (AGGREGATES.has(e.name.toUpperCase()) && e.over === null) || e.args.some(hasAggregate) || (e.filter !== null && hasAggregate(e.filter));
    case 'unary': return hasAggregate(e.operand);
    case 'binary': return hasAggregate(e.left) || hasAggregate(e.right);
    case 'is': return hasAggregate(e.operand);
    case 'between': return hasAggregate(e.operand) || hasAggregate(e.low) || hasAggregate(e.high);
    case 'in': return hasAggregate(e.operand) || (e.list ?? []).some(hasAggregate);
    case 'like': return hasAggregate(e.operand) || hasAggregate(e.pattern);
    case 'case': return (e.operand !== null && hasAggregate(e.operand)) || e.whens.some((w) => hasAggregate(w.when) || hasAggregate(w.then)) || (e.otherwise !== null && hasAggregate(e.otherwise));
    case 'cast': return hasAggregate(e.operand);
    default: return false;
  }
}

/** The name a select item gets: its alias, the last part of a name, or EXPR$i. */
export function itemName(item: Select['items'][number], i: number): string {
  if (item.alias !== null) return item.alias;
  if (item.expr.kind === 'ident') return item.expr.parts[item.expr.parts.length - 1];
  return `EXPR$${i}`;
}

/** Makes names unique as Calcite does: a, a0, a1 ... */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let k = 0; seen.has(name); k++) name = `${n}${k}`;
    seen.add(name);
    return name;
  });
}

function bindSelect(s: Select, ctx: QueryContext): Rel {
  if (s.from === null) throw unsupported('SELECT without FROM', s.pos, 'read from a table');
  const from = bindFrom(s.from, ctx);
  const functions = ctx.catalog.functions;
  if (s.distinct) throw unsupported('SELECT DISTINCT', s.pos, 'group by the columns in a window: GROUP BY window_start, window_end, ...');
  if (from.window !== null) return bindWindowAggregate(s, from.window, ctx.catalog.functions);
  const aggregated = s.groupBy.length > 0 || s.having !== null || s.items.some((i) => hasAggregate(i.expr));
  if (aggregated) {
    const at = s.groupBy[0]?.pos ?? s.having?.pos ?? s.items.find((i) => hasAggregate(i.expr))?.pos ?? s.pos;
    throw unsupported('aggregation without a window (an updating result)', at,
      "aggregate per window: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) ... GROUP BY window_start, window_end, ...");
  }
  const scope = new Scope(from.columns);
  const bctx: BindContext = { scope, functions, aggregateError: 'aggregates need GROUP BY window_start, window_end of a window table function' };
  let condition: BoundExpr | null = null;
  if (s.where !== null) {
    condition = bindExpression(s.where, { ...bctx, aggregateError: 'WHERE is checked per row: put conditions on aggregates in HAVING' });
    if (condition.type.name !== 'BOOLEAN' && condition.type.name !== 'NULL') throw new SqlError(`WHERE expects a condition (BOOLEAN), got ${formatType(condition.type)}`, s.where.pos);
  }
  const projections = selectItems(s, scope, bctx);
  return calc(from.rel, condition, projections);
}

/** The SELECT list bound: stars expanded, names made unique. */
export function selectItems(s: Select, scope: Scope, bctx: BindContext): Projection[] {
  const out: { name: string; expr: BoundExpr }[] = [];
  s.items.forEach((item, i) => {
    if (item.expr.kind === 'star') {
      if (bctx.rewrite !== undefined) throw unsupported('SELECT * in an aggregation', item.pos, 'name the grouped columns and the aggregates');
      const q = item.expr.qualifier;
      const cols = scope.columns.filter((c) => q.length === 0 || c.qualifier === q[q.length - 1]);
      if (cols.length === 0) throw new SqlError(`no table '${q.join('.')}' in FROM for ${q.join('.')}.*`, item.pos);
      for (const c of cols) out.push({ name: c.name, expr: c.expr });
      return;
    }
    out.push({ name: itemName(item, i), expr: bindExpression(item.expr, bctx) });
  });
  const names = uniqueNames(out.map((o) => o.name));
  return out.map((o, i) => ({ name: names[i], expr: o.expr }));
}

/** The names a relation offers under a qualifier. */
const columnsOf = (rel: Rel, qualifier: string | null): ScopeColumn[] => rel.fields.map((f) => ({ qualifier, name: f.name, expr: f.expr }));

/** A table, view or WITH query by name, as a relation. */
export function relationNamed(name: readonly string[], ctx: QueryContext, pos: { line: number; column: number }): Rel {
  const key = name.join('.');
  const cte = name.length === 1 ? ctx.ctes.get(key) : undefined;
  if (cte !== undefined) return cte;
  const entry = ctx.catalog.lookup(key, pos);
  if (entry.kind === 'view') return entry.rel;
  const table = entry.table;
  return { kind: 'scan', table, fields: table.columns.map((c) => ({ name: c.name, type: c.type, expr: { ...c.expr, type: c.type } as BoundExpr })) };
}

function bindFrom(f: FromItem, ctx: QueryContext): BoundFrom {
  switch (f.kind) {
    case 'table': {
      if (f.systemTime !== null) throw unsupported('FOR SYSTEM_TIME AS OF (temporal joins)', f.systemTime.pos, 'join on the typed API: stream.temporalJoin(table, key)');
      const rel = relationNamed(f.name, ctx, f.pos);
      return { rel, columns: columnsOf(rel, f.alias ?? f.name[f.name.length - 1]), window: null };
    }
    case 'derived': {
      let rel = bindQuery(f.query, ctx);
      if (f.columns !== null) rel = renameFields(rel, f.columns, f.pos);
      return { rel, columns: columnsOf(rel, f.alias), window: null };
    }
    case 'table-function': {
      if (f.lateral) throw unsupported('LATERAL TABLE (table functions)', f.pos, 'table functions are not supported yet');
      const window = bindWindowTableFunction(f.call, ctx, f.alias);
      return { rel: window.input, columns: window.inputColumns, window };
    }
    case 'join':
      throw unsupported(`${f.type === 'comma' ? 'a join (tables separated by commas)' : `${f.type.toUpperCase()} JOIN`}`, f.pos,
        'joins are not supported in SQL yet: join on the typed API (keyBy(...).intervalJoin, .join(...).window(...), temporalJoin)');
  }
}
