import type { AggregateFunction } from '../functions/aggregate-function.ts';
import type { Key } from '../functions/key.ts';
import type { TimeWindow } from '../window/time-window.ts';
import { objectCode } from './compile-calc.ts';
import { CodeGen } from './code-gen.ts';
import type { AggregateCall, Projection } from './rel.ts';
import { isInteger } from './sql-type.ts';

/**
 * The key of a NULL group key. Keys are strings or numbers; NULL groups get this string, which no
 * number is, and which text data would have to contain verbatim to collide with.
 */
export const NULL_KEY = '\u0000SQL NULL\u0000';

/** A window aggregation, compiled: the key of a row, the aggregate function, and the row a window emits. */
export interface CompiledWindowAggregate {
  readonly key: (r: unknown) => Key;
  readonly aggregate: AggregateFunction<unknown, unknown, unknown>;
  readonly emit: (key: Key, window: TimeWindow, acc: unknown) => unknown;
}

/**
 * Compiles GROUP BY keys and aggregate calls to plain functions over one accumulator object per
 * key and window, whose shape is fixed per query: `n` rows, `g0..` the group values, and per
 * aggregate its running value (`a0`), a count for SUM and AVG (`c0`), a Set for COUNT(DISTINCT).
 * NULL arguments are skipped, as SQL's aggregates do; FILTER (WHERE ...) guards the update.
 *
 * @example
 * const { key, aggregate, emit } = compileWindowAggregate(rel.keys, rel.aggregates, projections);
 * input.keyBy(key).window(assigner).aggregate(aggregate, emit);
 */
export function compileWindowAggregate(
  keys: readonly import('./bound-expr.ts').BoundExpr[],
  aggregates: readonly AggregateCall[],
  projections: readonly Projection[] | null,
): CompiledWindowAggregate {
  const init: string[] = ['n: 0'];
  keys.forEach((_k, i) => init.push(`g${i}: null`));
  aggregates.forEach((a, i) => {
    if (a.fn === 'COUNT') init.push(a.distinct ? `a${i}: new Set()` : `a${i}: 0`);
    else if (a.fn === 'SUM' || a.fn === 'AVG') init.push(`a${i}: 0`, `c${i}: 0`);
    else init.push(`a${i}: null`);
  });
  const create = new CodeGen().build<() => unknown>('', `return { ${init.join(', ')} };`);

  const g = new CodeGen();
  const add: string[] = [];
  if (keys.length > 1) add.push(`if (a.n === 0) { ${keys.map((k, i) => `a.g${i} = ${g.expr(k)};`).join(' ')} }`);
  add.push('a.n++;');
  aggregates.forEach((agg, i) => {
    const v = g.temp();
    let update: string;
    if (agg.fn === 'COUNT' && agg.arg === null) update = `a.a${i}++;`;
    else {
      const read = `${v} = ${g.expr(agg.arg as import('./bound-expr.ts').BoundExpr)};`;
      const apply = agg.fn === 'COUNT' ? (agg.distinct ? `a.a${i}.add(${v});` : `a.a${i}++;`)
        : agg.fn === 'SUM' || agg.fn === 'AVG' ? `a.a${i} += ${v}; a.c${i}++;`
        : `if (a.a${i} === null || ${v} ${agg.fn === 'MIN' ? '<' : '>'} a.a${i}) a.a${i} = ${v};`;
      update = `${read} if (${v} !== null) { ${apply} }`;
    }
    add.push(agg.filter === null ? update : `if (${g.expr(agg.filter)} === true) { ${update} }`);
  });
  const addFn = g.build<(r: unknown, a: unknown) => unknown>('r, a', `${add.join('\n')}\nreturn a;`);

  const merge: string[] = ['n: x.n + y.n'];
  keys.forEach((_k, i) => merge.push(`g${i}: x.n > 0 ? x.g${i} : y.g${i}`));
  aggregates.forEach((agg, i) => {
    if (agg.fn === 'COUNT') merge.push(agg.distinct ? `a${i}: new Set([...x.a${i}, ...y.a${i}])` : `a${i}: x.a${i} + y.a${i}`);
    else if (agg.fn === 'SUM' || agg.fn === 'AVG') merge.push(`a${i}: x.a${i} + y.a${i}`, `c${i}: x.c${i} + y.c${i}`);
    else {
      const op = agg.fn === 'MIN' ? '<' : '>';
      merge.push(`a${i}: x.a${i} === null ? y.a${i} : y.a${i} === null ? x.a${i} : (y.a${i} ${op} x.a${i} ? y.a${i} : x.a${i})`);
    }
  });
  const mergeFn = new CodeGen().build<(x: unknown, y: unknown) => unknown>('x, y', `return { ${merge.join(', ')} };`);

  // The aggregation's own row (k0.., window_*, a0..), then the select list over it.
  const result: string[] = [];
  keys.forEach((_k, i) => result.push(keys.length === 1 ? `k${i}: key === ${JSON.stringify(NULL_KEY)} ? null : key` : `k${i}: a.g${i}`));
  result.push('window_start: w.start', 'window_end: w.end', 'window_time: w.end - 1');
  aggregates.forEach((agg, i) => {
    let value: string;
    if (agg.fn === 'COUNT') value = agg.distinct ? `a.a${i}.size` : `a.a${i}`;
    else if (agg.fn === 'SUM') value = `a.c${i} === 0 ? null : a.a${i}`;
    // AVG of integers is an integer in Flink (truncated), as the sum and count are.
    else if (agg.fn === 'AVG') value = isInteger(agg.type) ? `a.c${i} === 0 ? null : Math.trunc(a.a${i} / a.c${i})` : `a.c${i} === 0 ? null : a.a${i} / a.c${i}`;
    else value = `a.a${i}`;
    result.push(`a${i}: ${value}`);
  });
  const e = new CodeGen();
  const body = projections === null
    ? `return { ${result.join(', ')} };`
    : `const r = { ${result.join(', ')} };\nreturn ${objectCode(e, projections)};`;
  const emit = e.build<CompiledWindowAggregate['emit']>('key, w, a', body);

  let key: (r: unknown) => Key;
  if (keys.length === 0) key = () => 0;
  else if (keys.length === 1) {
    const k = new CodeGen();
    key = k.build('r', `const v = ${k.expr(keys[0])}; return v === null ? ${JSON.stringify(NULL_KEY)} : v;`);
  } else {
    // Several columns: one string key (JSON, so that no two groups share one).
    const k = new CodeGen();
    key = k.build('r', `return JSON.stringify([${keys.map((x) => k.expr(x)).join(', ')}]);`);
  }
  return { key, aggregate: { createAccumulator: create, add: addFn, merge: mergeFn, getResult: (a: unknown) => a }, emit };
}
