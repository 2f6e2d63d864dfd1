import type { Expr } from './ast.ts';
import type { BoundExpr } from './bound-expr.ts';
import { FUNCTION_ALIASES, SCALAR_FUNCTIONS } from './scalar-functions.ts';
import type { Scope } from './scope.ts';
import { SqlError, unsupported, type SqlPosition } from './sql-error.ts';
import { formatType, isNumeric, isTemporal, numericResult, sqlType, typeFromSpec, withNullable, type SqlType } from './sql-type.ts';

/**
 * A user's scalar function as SQL calls it: with the argument values (`unknown` here). Written as
 * a method type, whose parameters compare bivariantly, so that a typed function such as
 * `(s: string) => number` fits.
 */
export type ScalarUdf = { call(...args: unknown[]): unknown }['call'];

/** A scalar function registered with createTemporarySystemFunction. */
export interface UserFunction {
  readonly name: string;
  readonly fn: ScalarUdf;
  readonly resultType: SqlType;
}

/** What binding an expression needs: the names in scope, user functions, and a hook for GROUP BY. */
export interface BindContext {
  readonly scope: Scope;
  readonly functions: ReadonlyMap<string, UserFunction>;
  /** Binds a sub-expression in its own way (a group key, an aggregate call), or returns null. */
  readonly rewrite?: (e: Expr) => BoundExpr | null;
  /** What an aggregate call outside of an aggregation is called, for its error. */
  readonly aggregateError?: string;
}

export const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);
const LATER_AGGREGATES = new Set(['LISTAGG', 'FIRST_VALUE', 'LAST_VALUE', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'COLLECT']);
const PROCESSING_TIME = new Set(['PROCTIME', 'NOW', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'CURRENT_ROW_TIMESTAMP', 'UNIX_TIMESTAMP', 'CURRENT_WATERMARK']);
const UNIT_MS: Readonly<Record<string, number>> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };

const MAY_BE_NULL = new Set(['REGEXP_EXTRACT', 'SPLIT_INDEX', 'TO_TIMESTAMP']);

const lit = (value: string | number | boolean | null, type: SqlType): BoundExpr => ({ kind: 'literal', value, type });
const call = (fn: string, args: BoundExpr[], type: SqlType, pos: SqlPosition): BoundExpr => ({ kind: 'call', fn, args, type, pos });
const anyNullable = (args: readonly BoundExpr[]): boolean => args.some((a) => a.type.nullable);

/** The milliseconds of an INTERVAL literal; months and years have no fixed length, so they are refused. */
export function intervalMs(e: Expr & { kind: 'interval' }): number {
  if (e.toUnit !== null) throw unsupported(`INTERVAL ... ${e.unit} TO ${e.toUnit}`, e.pos, `write the interval in one unit, as in INTERVAL '90' SECOND`);
  const unit = UNIT_MS[e.unit];
  if (unit === undefined) throw unsupported(`an INTERVAL of ${e.unit}S`, e.pos, 'use SECOND, MINUTE, HOUR or DAY');
  const n = Number(e.value.trim());
  if (!Number.isFinite(n)) throw new SqlError(`INTERVAL '${e.value}' ${e.unit}: '${e.value}' is not a number`, e.pos);
  return (e.negative ? -n : n) * unit;
}

/** Whether values of the two types can be compared with = < > ... */
function comparable(a: SqlType, b: SqlType): boolean {
  if (a.name === 'NULL' || b.name === 'NULL') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isTemporal(a) && isTemporal(b)) return true;
  return a.name === b.name && (a.name === 'STRING' || a.name === 'BOOLEAN');
}

/** The type of several branches (CASE, COALESCE): one for all, or an error. */
export function commonType(types: readonly SqlType[], pos: SqlPosition, what: string): SqlType {
  const known = types.filter((t) => t.name !== 'NULL');
  const nullable = types.some((t) => t.nullable || t.name === 'NULL');
  if (known.length === 0) return sqlType('NULL');
  let result = withNullable(known[0], nullable);
  for (const t of known.slice(1)) {
    if (isNumeric(result) && isNumeric(t)) result = withNullable(numericResult(result, t, '+'), nullable);
    else if (t.name !== result.name) throw new SqlError(`${what} mixes ${formatType(result)} and ${formatType(t)}`, pos, 'CAST the branches to one type');
  }
  return result;
}

/** SQL LIKE as a regular expression: % any text, _ one character, the rest literal. */
function likePattern(pattern: string, escape: string | null): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (escape !== null && ch === escape && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Binds an expression: resolves its names in the scope, checks and infers its types, and turns
 * SQL forms into the calls the code generator knows (BETWEEN into two comparisons, simple CASE
 * into searched CASE, IN over literals into a set lookup).
 *
 * @example
 * bindExpression(parsedWhere, { scope, functions: new Map() }); // { kind: 'call', fn: '=', type: BOOLEAN ... }
 */
export function bindExpression(e: Expr, ctx: BindContext): BoundExpr {
  const replaced = ctx.rewrite?.(e) ?? null;
  if (replaced !== null) return replaced;
  const bind = (x: Expr): BoundExpr => bindExpression(x, ctx);
  switch (e.kind) {
    case 'number': {
      if (/[eE]/.test(e.text)) return lit(Number(e.text), sqlType('DOUBLE', false));
      const dot = e.text.indexOf('.');
      if (dot !== -1) {
        const scale = e.text.length - dot - 1;
        return lit(Number(e.text), sqlType('DECIMAL', false, { precision: Math.max(e.text.replace(/[-.]/g, '').length, scale), scale }));
      }
      const n = Number(e.text);
      if (!Number.isSafeInteger(n)) throw unsupported(`the integer ${e.text} (beyond 2^53, where JavaScript numbers lose digits)`, e.pos);
      return lit(n, sqlType(n >= -2147483648 && n <= 2147483647 ? 'INT' : 'BIGINT', false));
    }
    case 'string': return lit(e.value, sqlType('STRING', false));
    case 'boolean': return lit(e.value, sqlType('BOOLEAN', false));
    case 'null': return lit(null, sqlType('NULL'));
    case 'interval': return lit(intervalMs(e), sqlType('INTERVAL', false));
    case 'typed-literal': {
      if (e.type !== 'TIMESTAMP') throw unsupported(`${e.type} literals`, e.pos, "use TIMESTAMP 'yyyy-MM-dd HH:mm:ss'");
      const m = /^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\s*$/.exec(e.value);
      if (m === null) throw new SqlError(`TIMESTAMP '${e.value}' is not a timestamp`, e.pos, "write it as TIMESTAMP 'yyyy-MM-dd HH:mm:ss.SSS'");
      const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Number((m[7] ?? '0').padEnd(3, '0')));
      return lit(ms, sqlType('TIMESTAMP', false, { precision: 3 }));
    }
    case 'ident': return ctx.scope.resolve(e.parts, e.pos);
    case 'star': throw new SqlError(`'*' is not a value here`, e.pos, 'name the columns, or use COUNT(*)');
    case 'unary': {
      const operand = bind(e.operand);
      if (e.op === 'NOT') return call('NOT', [expectBoolean(operand, e.operand.pos, 'NOT')], sqlType('BOOLEAN', operand.type.nullable), e.pos);
      if (!isNumeric(operand.type) && operand.type.name !== 'INTERVAL') throw new SqlError(`unary ${e.op} expects a number, got ${formatType(operand.type)}`, e.pos);
      return e.op === '+' ? operand : call('NEG', [operand], withNullable(operand.type, operand.type.nullable), e.pos);
    }
    case 'binary': return bindBinary(e, bind(e.left), bind(e.right));
    case 'is': {
      const operand = bind(e.operand);
      if (e.what !== 'NULL') expectBoolean(operand, e.operand.pos, `IS ${e.what}`);
      const what = e.what === 'UNKNOWN' ? 'NULL' : e.what;
      return call(`IS ${e.not ? 'NOT ' : ''}${what}`, [operand], sqlType('BOOLEAN', false), e.pos);
    }
    case 'between': {
      const operand = bind(e.operand);
      const range = call('AND', [
        bindComparison('>=', operand, bind(e.low), e.pos),
        bindComparison('<=', operand, bind(e.high), e.pos),
      ], sqlType('BOOLEAN', true), e.pos);
      const typed = { ...range, type: sqlType('BOOLEAN', anyNullable((range as BoundExpr & { kind: 'call' }).args)) };
      return e.not ? call('NOT', [typed], typed.type, e.pos) : typed;
    }
    case 'in': {
      if (e.query !== null) throw unsupported('IN (subquery)', e.pos, 'join with the subquery instead');
      const operand = bind(e.operand);
      const list = (e.list ?? []).map(bind);
      for (const [i, x] of list.entries()) {
        if (!comparable(operand.type, x.type)) throw new SqlError(`IN compares ${formatType(operand.type)} with ${formatType(x.type)}`, (e.list ?? [])[i].pos);
      }
      let result: BoundExpr;
      if (list.every((x) => x.kind === 'literal')) {
        const values = list.map((x) => (x as BoundExpr & { kind: 'literal' }).value).filter((v) => v !== null);
        const hasNull = values.length < list.length;
        result = call('IN SET', [operand, lit(JSON.stringify(values), sqlType('STRING', false)), lit(hasNull, sqlType('BOOLEAN', false))],
          sqlType('BOOLEAN', operand.type.nullable || hasNull), e.pos);
      } else {
        result = list.map((x) => bindComparison('=', operand, x, e.pos))
          .reduce((a, b) => call('OR', [a, b], sqlType('BOOLEAN', a.type.nullable || b.type.nullable), e.pos));
      }
      return e.not ? call('NOT', [result], result.type, e.pos) : result;
    }
    case 'like': {
      if (e.similar) throw unsupported('SIMILAR TO', e.pos, 'use LIKE or REGEXP(s, pattern)');
      const operand = bind(e.operand);
      const pattern = bind(e.pattern);
      const escape = e.escape === null ? null : bind(e.escape);
      if (operand.type.name !== 'STRING' && operand.type.name !== 'NULL') throw new SqlError(`LIKE expects text, got ${formatType(operand.type)}`, e.operand.pos);
      if (pattern.kind !== 'literal' || typeof pattern.value !== 'string' || (escape !== null && (escape.kind !== 'literal' || typeof escape.value !== 'string'))) {
        throw unsupported('LIKE with a pattern that is not a string literal', e.pattern.pos, "write the pattern in quotes, as in LIKE 'abc%'");
      }
      const re = likePattern(pattern.value, escape === null ? null : String((escape as BoundExpr & { kind: 'literal' }).value));
      const result = call('LIKE', [operand, lit(re.source, sqlType('STRING', false))], sqlType('BOOLEAN', operand.type.nullable), e.pos);
      return e.not ? call('NOT', [result], result.type, e.pos) : result;
    }
    case 'case': {
      const operand = e.operand === null ? null : bind(e.operand);
      const whens = e.whens.map((w) => {
        const when = operand === null ? expectBoolean(bind(w.when), w.when.pos, 'WHEN') : bindComparison('=', operand, bind(w.when), w.when.pos);
        return { when, then: bind(w.then) };
      });
      const otherwise = e.otherwise === null ? lit(null, sqlType('NULL')) : bind(e.otherwise);
      const type = commonType([...whens.map((w) => w.then.type), otherwise.type], e.pos, 'CASE');
      return { kind: 'case', whens, otherwise, type };
    }
    case 'cast': {
      const operand = bind(e.operand);
      if ((e.type.name === 'VARCHAR' || e.type.name === 'CHAR') && e.type.params.length > 0) {
        // Flink cuts or pads to the length; Eddy would not, so it does not pretend to.
        throw unsupported(`CAST to ${e.type.name}(${e.type.params[0]})`, e.type.pos, `CAST to STRING, and cut it with SUBSTRING(s, 1, ${e.type.params[0]})`);
      }
      const to = typeFromSpec(e.type);
      if (to.name === 'ROW' || to.name === 'ARRAY' || to.name === 'MAP') throw unsupported(`CAST to ${to.name}`, e.type.pos);
      return { kind: 'cast', operand, type: withNullable(to, operand.type.nullable || e.try || to.nullable && operand.type.name === 'NULL'), try: e.try, pos: e.pos };
    }
    case 'call': return bindCall(e, ctx, bind);
    case 'symbol': return lit(e.name, sqlType('STRING', false));
    case 'subquery': case 'exists': throw unsupported(e.kind === 'exists' ? 'EXISTS (subquery)' : 'a subquery as a value', e.pos, 'join with the subquery instead');
    case 'descriptor': case 'table-arg':
      throw new SqlError(`${e.kind === 'descriptor' ? 'DESCRIPTOR' : 'TABLE'} is only an argument of a window table function`, e.pos,
        'as in FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL \'1\' MINUTE))');
  }
}

function expectBoolean(x: BoundExpr, pos: SqlPosition, what: string): BoundExpr {
  if (x.type.name !== 'BOOLEAN' && x.type.name !== 'NULL') throw new SqlError(`${what} expects a condition (BOOLEAN), got ${formatType(x.type)}`, pos);
  return x;
}

function bindComparison(op: string, left: BoundExpr, right: BoundExpr, pos: SqlPosition): BoundExpr {
  if (!comparable(left.type, right.type)) {
    throw new SqlError(`cannot compare ${formatType(left.type)} with ${formatType(right.type)} (${op})`, pos, 'CAST one side to the type of the other');
  }
  return call(op, [left, right], sqlType('BOOLEAN', left.type.nullable || right.type.nullable || left.type.name === 'NULL' || right.type.name === 'NULL'), pos);
}

function bindBinary(e: Expr & { kind: 'binary' }, left: BoundExpr, right: BoundExpr): BoundExpr {
  const nullable = left.type.nullable || right.type.nullable;
  switch (e.op) {
    case 'AND': case 'OR':
      expectBoolean(left, e.left.pos, e.op);
      expectBoolean(right, e.right.pos, e.op);
      return call(e.op, [left, right], sqlType('BOOLEAN', nullable), e.pos);
    case '=': case '<>': case '<': case '<=': case '>': case '>=':
      return bindComparison(e.op, left, right, e.pos);
    case '||':
      if (left.type.name !== 'STRING' || right.type.name !== 'STRING') throw new SqlError(`|| joins text, got ${formatType(left.type)} and ${formatType(right.type)}`, e.pos, 'CAST the values to STRING first');
      return call('||', [left, right], sqlType('STRING', nullable), e.pos);
    default: {
      const [l, r] = [left.type, right.type];
      if (isTemporal(l) && r.name === 'INTERVAL' && (e.op === '+' || e.op === '-')) return call(e.op, [left, right], withNullable(l, nullable), e.pos);
      if (l.name === 'INTERVAL' && isTemporal(r) && e.op === '+') return call('+', [right, left], withNullable(r, nullable), e.pos);
      if (l.name === 'INTERVAL' && r.name === 'INTERVAL' && (e.op === '+' || e.op === '-')) return call(e.op, [left, right], sqlType('INTERVAL', nullable), e.pos);
      if (!isNumeric(l) && l.name !== 'NULL' || !isNumeric(r) && r.name !== 'NULL') {
        throw new SqlError(`${e.op} expects numbers, got ${formatType(l)} and ${formatType(r)}`, e.pos,
          isTemporal(l) || isTemporal(r) ? "add or subtract an INTERVAL, as in ts - INTERVAL '5' SECOND" : null);
      }
      return call(e.op, [left, right], withNullable(numericResult(l, r, e.op), nullable || l.name === 'NULL' || r.name === 'NULL'), e.pos);
    }
  }
}

function bindCall(e: Expr & { kind: 'call' }, ctx: BindContext, bind: (x: Expr) => BoundExpr): BoundExpr {
  const upper = e.name.toUpperCase();
  const name = FUNCTION_ALIASES.get(upper) ?? upper;
  if (e.over !== null) throw unsupported(`${upper}(...) OVER (...)`, e.pos, 'aggregate over windows with GROUP BY window_start, window_end of a TUMBLE, HOP or CUMULATE table function');
  if (AGGREGATES.has(name)) {
    throw new SqlError(`the aggregate ${upper} is not allowed here`, e.pos, ctx.aggregateError ?? 'aggregates go in the SELECT list or HAVING of a query with GROUP BY');
  }
  if (LATER_AGGREGATES.has(name)) throw unsupported(`the aggregate ${upper}`, e.pos, 'use COUNT, SUM, MIN, MAX or AVG');
  if (e.distinct || e.star || e.filter !== null) throw new SqlError(`DISTINCT, * and FILTER belong to aggregate calls, not to ${upper}`, e.pos);
  if (PROCESSING_TIME.has(name)) throw unsupported(`${upper}() (processing time or the current time)`, e.pos, 'SQL on Eddy runs on event time: use the table\'s time column');
  if (name === 'TUMBLE' || name === 'HOP' || name === 'CUMULATE' || name === 'SESSION') {
    throw new SqlError(`${upper} is a window table function`, e.pos, `write it in FROM: FROM TABLE(${upper}(TABLE t, DESCRIPTOR(ts), ...))`);
  }
  const user = ctx.functions.get(upper);
  const args = e.args.map(bind);
  if (user !== undefined) return { kind: 'udf', name: user.name, fn: user.fn, args, type: user.resultType };
  switch (name) {
    case 'COALESCE': case 'IFNULL': {
      if (args.length < 2) throw new SqlError(`${upper} needs at least two arguments`, e.pos);
      const type = commonType(args.map((a) => a.type), e.pos, upper);
      return call('COALESCE', args, withNullable(type, args.every((a) => a.type.nullable)), e.pos);
    }
    case 'NULLIF':
      if (args.length !== 2) throw new SqlError('NULLIF needs two arguments', e.pos);
      return call('NULLIF', args, withNullable(args[0].type, true), e.pos);
    case 'IF': {
      if (args.length !== 3) throw new SqlError('IF needs three arguments: IF(condition, then, else)', e.pos);
      expectBoolean(args[0], e.args[0].pos, 'IF');
      return call('IF', args, commonType([args[1].type, args[2].type], e.pos, 'IF'), e.pos);
    }
    default: break;
  }
  const f = SCALAR_FUNCTIONS.get(name);
  if (f === undefined) {
    throw new SqlError(`unknown function ${e.name}`, e.pos, 'see docs/sql.md for the functions Eddy has, or register one with tEnv.createTemporarySystemFunction');
  }
  if (args.length < f.min || args.length > f.max) {
    throw new SqlError(`${upper} takes ${f.min === f.max ? f.min : `${f.min} to ${f.max}`} arguments, got ${args.length}`, e.pos);
  }
  const type = f.infer(args, e.pos, upper);
  // A strict function is NULL on a NULL argument; some are NULL on their own too (no match).
  const nullable = f.strict ? anyNullable(args) || MAY_BE_NULL.has(name) : type.nullable;
  return call(name, args, withNullable(type, nullable), e.pos);
}
