import type { BoundExpr } from './bound-expr.ts';
import type { CodeGen } from './code-gen.ts';
import { SqlError, type SqlPosition } from './sql-error.ts';
import { isInteger, isNumeric, isTemporal, numericResult, sqlType, withNullable, type SqlType } from './sql-type.ts';

/**
 * A scalar function: how many arguments, the result type, and the JavaScript it compiles to.
 * A `strict` function is NULL when any argument is NULL: its `code` gets values known not to be
 * null. The others get the arguments' code as is and deal with NULL themselves.
 */
export interface ScalarFunction {
  readonly min: number;
  readonly max: number;
  readonly strict: boolean;
  /** The result type (nullability is worked out by the caller for strict functions). */
  readonly infer: (args: readonly BoundExpr[], pos: SqlPosition, name: string) => SqlType;
  readonly code: (vals: readonly string[], g: CodeGen, args: readonly BoundExpr[], pos: SqlPosition) => string;
}

const fail = (name: string, want: string, args: readonly BoundExpr[], pos: SqlPosition): SqlError =>
  new SqlError(`${name} expects ${want}, got (${args.map((a) => a.type.name).join(', ')})`, pos);

const numeric = (test: (args: readonly BoundExpr[]) => SqlType | null, want = 'numeric arguments') =>
  (args: readonly BoundExpr[], pos: SqlPosition, name: string): SqlType => {
    if (!args.every((a) => isNumeric(a.type) || a.type.name === 'NULL')) throw fail(name, want, args, pos);
    return test(args) ?? sqlType('DOUBLE');
  };
const strings = (result: SqlType, count?: number) => (args: readonly BoundExpr[], pos: SqlPosition, name: string): SqlType => {
  const n = count ?? args.length;
  if (!args.slice(0, n).every((a) => a.type.name === 'STRING' || a.type.name === 'NULL')) throw fail(name, `text arguments`, args, pos);
  return result;
};
const temporal = (result: SqlType) => (args: readonly BoundExpr[], pos: SqlPosition, name: string): SqlType => {
  if (!isTemporal(args[args.length - 1].type)) throw fail(name, 'a TIMESTAMP or DATE', args, pos);
  return result;
};
/** A literal argument's value, for functions that prepare something once per query (patterns). */
const literal = (a: BoundExpr): string | number | boolean | null | undefined => (a.kind === 'literal' ? a.value : undefined);

const extractUnit = (unit: string) => ({
  min: 1, max: 1, strict: true, infer: temporal(sqlType('BIGINT')), code: ([t]: readonly string[]) => `rt.extract('${unit}', ${t})`,
}) satisfies ScalarFunction;

const math = (fn: string): ScalarFunction => ({ min: 1, max: 1, strict: true, infer: numeric(() => sqlType('DOUBLE')), code: ([x]) => `Math.${fn}(${x})` });

/** The built-in scalar functions, by upper-case name. */
export const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  ['MOD', {
    min: 2, max: 2, strict: true, infer: numeric((a) => numericResult(a[0].type, a[1].type, '%')),
    code: ([a, b], _g, args) => (args.every((x) => isInteger(x.type)) ? `rt.imod(${a}, ${b})` : `(${a} % ${b})`),
  }],
  ['ABS', { min: 1, max: 1, strict: true, infer: numeric((a) => withNullable(a[0].type, true)), code: ([x]) => `Math.abs(${x})` }],
  ['POWER', { min: 2, max: 2, strict: true, infer: numeric(() => sqlType('DOUBLE')), code: ([a, b]) => `Math.pow(${a}, ${b})` }],
  ['SQRT', math('sqrt')], ['LN', math('log')], ['LOG10', math('log10')], ['EXP', math('exp')],
  ['SIGN', { min: 1, max: 1, strict: true, infer: numeric((a) => withNullable(a[0].type, true)), code: ([x]) => `Math.sign(${x})` }],
  ['ROUND', {
    min: 1, max: 2, strict: true, infer: numeric((a) => withNullable(a[0].type, true)),
    // Half away from zero, as Java's BigDecimal.ROUND_HALF_UP.
    code: ([x, d]) => (d === undefined ? `(Math.sign(${x}) * Math.round(Math.abs(${x})))`
      : `(Math.sign(${x}) * Math.round(Math.abs(${x}) * Math.pow(10, ${d})) / Math.pow(10, ${d}))`),
  }],
  ['FLOOR', {
    min: 1, max: 2, strict: true,
    infer: (args, pos, name) => (args.length === 2 ? temporal(withNullable(args[0].type, true))(args.slice(0, 1), pos, name) : numeric((a) => withNullable(a[0].type, true))(args, pos, name)),
    code: ([x, unit]) => (unit === undefined ? `Math.floor(${x})` : `rt.floorTime(${x}, ${unit})`),
  }],
  ['CEIL', {
    min: 1, max: 1, strict: true, infer: numeric((a) => withNullable(a[0].type, true)), code: ([x]) => `Math.ceil(${x})`,
  }],
  ['UPPER', { min: 1, max: 1, strict: true, infer: strings(sqlType('STRING')), code: ([s]) => `${s}.toUpperCase()` }],
  ['LOWER', { min: 1, max: 1, strict: true, infer: strings(sqlType('STRING')), code: ([s]) => `${s}.toLowerCase()` }],
  ['CHAR_LENGTH', { min: 1, max: 1, strict: true, infer: strings(sqlType('INT')), code: ([s]) => `${s}.length` }],
  ['CHARACTER_LENGTH', { min: 1, max: 1, strict: true, infer: strings(sqlType('INT')), code: ([s]) => `${s}.length` }],
  ['CONCAT', {
    min: 1, max: 255, strict: true, infer: (args) => sqlType('STRING', args.some((a) => a.type.nullable)),
    code: (vals, _g, args) => `(${vals.map((v, i) => (args[i].type.name === 'STRING' ? v : `String(${v})`)).join(' + ')})`,
  }],
  ['REPLACE', { min: 3, max: 3, strict: true, infer: strings(sqlType('STRING')), code: ([s, a, b]) => `${s}.replaceAll(${a}, ${b})` }],
  ['POSITION', { min: 2, max: 2, strict: true, infer: strings(sqlType('INT')), code: ([a, s]) => `(${s}.indexOf(${a}) + 1)` }],
  ['SUBSTRING', {
    min: 2, max: 3, strict: true, infer: strings(sqlType('STRING'), 1),
    code: ([s, start, length]) => `rt.substring(${s}, ${start}, ${length ?? 'undefined'})`,
  }],
  ['TRIM', { min: 3, max: 3, strict: true, infer: strings(sqlType('STRING')), code: ([side, chars, s]) => `rt.trim(${side}, ${chars}, ${s})` }],
  ['LTRIM', { min: 1, max: 1, strict: true, infer: strings(sqlType('STRING')), code: ([s]) => `${s}.trimStart()` }],
  ['RTRIM', { min: 1, max: 1, strict: true, infer: strings(sqlType('STRING')), code: ([s]) => `${s}.trimEnd()` }],
  ['SPLIT_INDEX', { min: 3, max: 3, strict: true, infer: strings(sqlType('STRING'), 2), code: ([s, sep, i]) => `rt.splitIndex(${s}, ${sep}, ${i})` }],
  ['REGEXP_EXTRACT', {
    min: 2, max: 3, strict: true, infer: strings(sqlType('STRING'), 2),
    code: ([s, re, group], g, args) => {
      const pattern = literal(args[1]);
      // A literal pattern is compiled once per query; a computed one per call.
      const regex = typeof pattern === 'string' ? g.constant(new RegExp(pattern)) : `new RegExp(${re})`;
      return `rt.regexpExtract(${s}, ${regex}, ${group ?? '1'})`;
    },
  }],
  ['REGEXP', {
    min: 2, max: 2, strict: true, infer: strings(sqlType('BOOLEAN')),
    code: ([s, re], g, args) => {
      const pattern = literal(args[1]);
      return `${typeof pattern === 'string' ? g.constant(new RegExp(pattern)) : `new RegExp(${re})`}.test(${s})`;
    },
  }],
  ['DATE_FORMAT', {
    min: 2, max: 2, strict: true,
    infer: (args, pos, name) => {
      if (!isTemporal(args[0].type) && args[0].type.name !== 'STRING') throw fail(name, 'a TIMESTAMP and a pattern', args, pos);
      return sqlType('STRING');
    },
    code: ([t, fmt], g, args, pos) => {
      const pattern = literal(args[1]);
      if (typeof pattern !== 'string') throw new SqlError('DATE_FORMAT needs its pattern as a string literal', pos);
      let formatter: (ms: number) => string;
      try {
        formatter = g.runtime.dateFormatter(pattern);
      } catch (e) {
        throw new SqlError((e as Error).message, pos);
      }
      void fmt;
      const ms = args[0].type.name === 'STRING' ? `rt.toMillis(${t})` : t;
      return `${g.constant(formatter)}(${ms})`;
    },
  }],
  ['TO_TIMESTAMP', {
    min: 1, max: 1, strict: true, infer: strings(sqlType('TIMESTAMP', true, { precision: 3 })),
    code: ([s]) => `rt.parseTimestamp(${s})`,
  }],
  ['EXTRACT', {
    min: 2, max: 2, strict: true, infer: (args, pos, name) => temporal(sqlType('BIGINT'))(args, pos, name),
    code: ([unit, t]) => `rt.extract(${unit}, ${t})`,
  }],
  ['YEAR', extractUnit('YEAR')], ['QUARTER', extractUnit('QUARTER')], ['MONTH', extractUnit('MONTH')], ['WEEK', extractUnit('WEEK')],
  ['DAYOFMONTH', extractUnit('DAY')], ['HOUR', extractUnit('HOUR')], ['MINUTE', extractUnit('MINUTE')], ['SECOND', extractUnit('SECOND')],
]);

/** Other spellings of the same functions. */
export const FUNCTION_ALIASES: ReadonlyMap<string, string> = new Map([['SUBSTR', 'SUBSTRING'], ['CEILING', 'CEIL'], ['LENGTH', 'CHAR_LENGTH']]);
