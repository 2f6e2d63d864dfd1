/**
 * A property test of the SQL expression compiler against DuckDB: random expressions over random
 * rows (NULLs in every column), each evaluated by Eddy's compiled function and by DuckDB, must
 * give the same value on every row. The grammar keeps to what both define alike: BIGINT and DOUBLE
 * arithmetic without overflow, comparisons, three-valued logic, CASE, COALESCE, IN with NULL,
 * BETWEEN, LIKE, and string functions over ASCII text. (Integer division, casts of doubles to
 * integers and overflow differ on purpose: Flink truncates and wraps where DuckDB rounds and fails;
 * expressions.test.ts checks those against Flink's rules.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { bindExpression } from '../../src/sql/bind-expression.ts';
import { compileValue } from '../../src/sql/compile-calc.ts';
import { parseExpression } from '../../src/sql/parse-expression.ts';
import { Scope } from '../../src/sql/scope.ts';
import { sqlType } from '../../src/sql/sql-type.ts';
import { TokenCursor } from '../../src/sql/token-cursor.ts';
import { tokenize } from '../../src/sql/tokenize.ts';

/** An expression in both spellings: Eddy's (Flink's) and DuckDB's. */
interface Gen { readonly eddy: string; readonly duck: string }
const same = (text: string): Gen => ({ eddy: text, duck: text });
const call = (eddy: string, duck: string, args: Gen[]): Gen => ({ eddy: `${eddy}(${args.map((a) => a.eddy).join(', ')})`, duck: `${duck}(${args.map((a) => a.duck).join(', ')})` });
const op = (a: Gen, o: string, b: Gen): Gen => ({ eddy: `(${a.eddy} ${o} ${b.eddy})`, duck: `(${a.duck} ${o} ${b.duck})` });

const { num, bool, str } = fc.letrec<{ num: Gen; bool: Gen; str: Gen }>((tie) => ({
  num: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(same('b'), same('c'), same('d')),
    fc.integer({ min: -50, max: 50 }).map((k) => same(`CAST(${k} AS BIGINT)`)),
    fc.tuple(tie('num'), fc.constantFrom('+', '-'), tie('num')).map(([a, o, b]) => op(a, o, b)),
    fc.tuple(tie('num'), fc.integer({ min: -3, max: 3 })).map(([a, k]) => op(a, '*', same(`CAST(${k} AS BIGINT)`))),
    tie('num').map((a) => call('ABS', 'abs', [a])),
    fc.tuple(tie('num'), fc.integer({ min: 1, max: 7 })).map(([a, k]) => ({ eddy: `MOD(${a.eddy}, ${k})`, duck: `(${a.duck} % ${k})` })),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, a, b]) => ({ eddy: `CASE WHEN ${c.eddy} THEN ${a.eddy} ELSE ${b.eddy} END`, duck: `CASE WHEN ${c.duck} THEN ${a.duck} ELSE ${b.duck} END` })),
    fc.tuple(tie('num'), tie('num')).map(([a, b]) => call('COALESCE', 'coalesce', [a, b])),
    tie('str').map((s) => ({ eddy: `CHAR_LENGTH(${s.eddy})`, duck: `length(${s.duck})` })),
  ),
  bool: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(same('f'), same('TRUE'), same('FALSE'), same('CAST(NULL AS BOOLEAN)')),
    fc.tuple(tie('num'), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), tie('num')).map(([a, o, b]) => op(a, o, b)),
    fc.tuple(tie('str'), fc.constantFrom('=', '<>', '<'), tie('str')).map(([a, o, b]) => op(a, o, b)),
    fc.tuple(tie('bool'), fc.constantFrom('AND', 'OR'), tie('bool')).map(([a, o, b]) => op(a, o, b)),
    tie('bool').map((a) => ({ eddy: `(NOT ${a.eddy})`, duck: `(NOT ${a.duck})` })),
    fc.tuple(tie('num'), fc.boolean()).map(([a, not]) => same(`(${a.eddy} IS ${not ? 'NOT ' : ''}NULL)`)).map((g) => g),
    fc.tuple(tie('num'), tie('num'), tie('num')).map(([x, lo, hi]) => ({ eddy: `(${x.eddy} BETWEEN ${lo.eddy} AND ${hi.eddy})`, duck: `(${x.duck} BETWEEN ${lo.duck} AND ${hi.duck})` })),
    fc.tuple(tie('num'), fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }), { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([x, list, not]) => {
        const items = list.map((k) => (k === null ? 'NULL' : String(k))).join(', ');
        return { eddy: `(${x.eddy} ${not ? 'NOT ' : ''}IN (${items}))`, duck: `(${x.duck} ${not ? 'NOT ' : ''}IN (${items}))` };
      }),
    fc.tuple(tie('str'), fc.constantFrom("'a%'", "'%b'", "'_a%'", "'%'", "'ab'")).map(([s, p]) => ({ eddy: `(${s.eddy} LIKE ${p})`, duck: `(${s.duck} LIKE ${p})` })),
  ),
  str: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(same('s'), same("'ab'"), same("'B'"), same("''")),
    tie('str').map((s) => call('UPPER', 'upper', [s])),
    tie('str').map((s) => call('LOWER', 'lower', [s])),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => op(a, '||', b)),
    fc.tuple(tie('str'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([s, a, n]) => ({ eddy: `SUBSTRING(${s.eddy} FROM ${a} FOR ${n})`, duck: `substring(${s.duck}, ${a}, ${n})` })),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => call('COALESCE', 'coalesce', [a, b])),
    fc.tuple(tie('bool'), tie('str'), tie('str')).map(([c, a, b]) => ({ eddy: `CASE WHEN ${c.eddy} THEN ${a.eddy} ELSE ${b.eddy} END`, duck: `CASE WHEN ${c.duck} THEN ${a.duck} ELSE ${b.duck} END` })),
  ),
}));

interface Row { b: number | null; c: number | null; d: number | null; f: boolean | null; s: string | null }
const rowArb: fc.Arbitrary<Row> = fc.record({
  b: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
  c: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
  d: fc.option(fc.integer({ min: -400, max: 400 }).map((x) => x / 4), { nil: null }),
  f: fc.option(fc.boolean(), { nil: null }),
  s: fc.option(fc.stringMatching(/^[abAB]{0,3}$/), { nil: null }),
});

const scope = new Scope([
  ['b', sqlType('BIGINT')], ['c', sqlType('BIGINT')], ['d', sqlType('DOUBLE')], ['f', sqlType('BOOLEAN')], ['s', sqlType('STRING')],
].map(([name, type]) => ({ qualifier: 't', name: name as string, expr: { kind: 'column' as const, prop: name as string, type: type as ReturnType<typeof sqlType> } })));

const literal = (v: unknown, type: string): string => (v === null ? `CAST(NULL AS ${type})` : typeof v === 'string' ? `'${v}'` : String(v));

let instance: DuckDBInstance;
let db: DuckDBConnection;
before(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  db = await instance.connect();
});
after(() => {
  db.closeSync();
  instance.closeSync();
});

async function duck(expr: string, rows: Row[]): Promise<unknown[]> {
  const values = rows.map((r, i) => `(${i}, ${literal(r.b, 'BIGINT')}, ${literal(r.c, 'BIGINT')}, ${literal(r.d, 'DOUBLE')}, ${literal(r.f, 'BOOLEAN')}, ${literal(r.s, 'VARCHAR')})`).join(', ');
  const result = await db.runAndReadAll(`SELECT ${expr} AS v FROM (VALUES ${values}) AS t(i, b, c, d, f, s) ORDER BY i`);
  return result.getRowObjectsJS().map((r) => (typeof r.v === 'bigint' ? Number(r.v) : r.v));
}

const close = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

test('SQL expressions: Eddy\'s compiled functions agree with DuckDB on random expressions and rows', async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(num, bool, str), fc.array(rowArb, { minLength: 1, maxLength: 8 }), async (g, rows) => {
    const c = new TokenCursor(tokenize(g.eddy));
    const fn = compileValue(bindExpression(parseExpression(c), { scope, functions: new Map() }));
    const eddy = rows.map((r) => fn(r));
    const expected = await duck(g.duck, rows);
    for (let i = 0; i < rows.length; i++) {
      assert.ok(close(eddy[i], expected[i]), `${g.eddy}\n  on ${JSON.stringify(rows[i])}: Eddy ${JSON.stringify(eddy[i])}, DuckDB ${JSON.stringify(expected[i])}\n  (DuckDB: ${g.duck})`);
    }
  }), { numRuns: 300, seed: 20261207 });
});
