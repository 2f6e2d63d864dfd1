/**
 * The SQL parser: every Nexmark reference query (test/sql/nexmark-reference, as Flink's Nexmark
 * repository writes them) parses, the trees hold what the text says, and syntax errors point at
 * the line and column of the offending token.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { Expr, Statement } from '../../src/sql/ast.ts';
import { parseOne, parseSql } from '../../src/sql/parse-sql.ts';
import { SqlError } from '../../src/sql/sql-error.ts';

const dir = new URL('nexmark-reference/', import.meta.url);
const reference = (name: string): string => readFileSync(new URL(`${name}.sql`, dir), 'utf8');

test('parser: all 25 Nexmark reference files (DDL, views, q0-q22) parse', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  assert.equal(files.length, 25);
  for (const f of files) assert.doesNotThrow(() => parseSql(reference(f.slice(0, -4))), f);
});

const insertQuery = (statements: Statement[]) => {
  const insert = statements.find((s) => s.kind === 'insert');
  assert.ok(insert?.kind === 'insert');
  return insert.query;
};

test('parser: the datagen DDL has ROW columns, a computed column and a watermark', () => {
  const [ddl] = parseSql(reference('ddl_gen'));
  assert.equal(ddl.kind, 'create-table');
  if (ddl.kind !== 'create-table') return;
  assert.deepEqual(ddl.columns.map((c) => [c.kind, c.name]), [['physical', 'event_type'], ['physical', 'person'], ['physical', 'auction'], ['physical', 'bid'], ['computed', 'dateTime']]);
  const bid = ddl.columns[3];
  assert.ok(bid.kind === 'physical');
  assert.equal(bid.type.name, 'ROW');
  assert.deepEqual(bid.type.fields.map((f) => `${f.name} ${f.type.name}${f.type.params.length ? `(${f.type.params})` : ''}`),
    ['auction BIGINT', 'bidder BIGINT', 'price BIGINT', 'channel VARCHAR', 'url VARCHAR', 'dateTime TIMESTAMP(3)', 'extra VARCHAR']);
  assert.equal(ddl.watermark?.column, 'dateTime');
  assert.deepEqual(ddl.watermark?.expr, {
    kind: 'binary', op: '-', pos: { line: 37, column: 44 },
    left: { kind: 'ident', parts: ['dateTime'], pos: { line: 37, column: 33 } },
    right: { kind: 'interval', value: '4', negative: false, unit: 'SECOND', toUnit: null, pos: { line: 37, column: 46 } },
  });
  assert.deepEqual(ddl.options.map((o) => o.key), ['connector', 'first-event.rate', 'next-event.rate', 'events.num', 'person.proportion', 'auction.proportion', 'bid.proportion']);
});

test('parser: q5 reads HOP as a table function with TABLE, DESCRIPTOR and intervals', () => {
  const query = insertQuery(parseSql(reference('q5')));
  assert.ok(query.body.kind === 'select' && query.body.from?.kind === 'join');
  const left = query.body.from.left;
  assert.ok(left.kind === 'derived' && left.alias === 'AuctionBids' && left.query.body.kind === 'select');
  const tvf = left.query.body.from;
  assert.ok(tvf?.kind === 'table-function');
  assert.equal(tvf.call.name, 'HOP');
  assert.deepEqual(tvf.call.args.map((a: Expr) => a.kind), ['table-arg', 'descriptor', 'interval', 'interval']);
  assert.deepEqual(left.query.body.groupBy.map((g) => g.kind === 'ident' && g.parts.join('.')), ['auction', 'window_start', 'window_end']);
});

test('parser: FILTER (WHERE ...), COUNT(DISTINCT ...), OVER with a ROWS frame', () => {
  const q15 = insertQuery(parseSql(reference('q15')));
  assert.ok(q15.body.kind === 'select');
  const rank1 = q15.body.items[6].expr;
  assert.ok(rank1.kind === 'call' && rank1.distinct && rank1.filter?.kind === 'binary');
  const q6 = insertQuery(parseSql(reference('q6')));
  assert.ok(q6.body.kind === 'select');
  const avg = q6.body.items[1].expr;
  assert.ok(avg.kind === 'call' && avg.over !== null);
  assert.deepEqual(avg.over.frame && [avg.over.frame.unit, avg.over.frame.start.kind, avg.over.frame.end.kind], ['ROWS', 'preceding', 'current-row']);
});

test('parser: precedence of AND over OR, of * over +, and NOT BETWEEN / NOT IN / IS NOT NULL', () => {
  const s = parseOne('SELECT a + b * 2 FROM t WHERE x OR y AND NOT z BETWEEN 1 AND 2 OR w NOT IN (1, 2) OR v IS NOT NULL');
  assert.ok(s.kind === 'query' && s.query.body.kind === 'select');
  const sum = s.query.body.items[0].expr;
  assert.ok(sum.kind === 'binary' && sum.op === '+' && sum.right.kind === 'binary' && sum.right.op === '*');
  const where = s.query.body.where;
  // ((x OR (y AND NOT (z BETWEEN 1 AND 2))) OR w NOT IN (1, 2)) OR v IS NOT NULL
  assert.ok(where?.kind === 'binary' && where.op === 'OR' && where.right.kind === 'is' && where.right.not);
  assert.ok(where.left.kind === 'binary' && where.left.op === 'OR' && where.left.right.kind === 'in' && where.left.right.not);
  const inner = where.left.left;
  assert.ok(inner.kind === 'binary' && inner.op === 'OR' && inner.right.kind === 'binary' && inner.right.op === 'AND');
  assert.ok(inner.right.right.kind === 'unary' && inner.right.right.operand.kind === 'between');
});

test('parser: quoted identifiers keep their case and may be keywords; strings unescape doubled quotes', () => {
  const s = parseOne("SELECT `select`, 'it''s' AS `the quote` FROM `my table`");
  assert.ok(s.kind === 'query' && s.query.body.kind === 'select');
  assert.deepEqual(s.query.body.items.map((i) => [i.expr, i.alias]), [
    [{ kind: 'ident', parts: ['select'], pos: { line: 1, column: 8 } }, null],
    [{ kind: 'string', value: "it's", pos: { line: 1, column: 18 } }, 'the quote'],
  ]);
});

function syntaxError(sql: string): SqlError {
  try {
    parseSql(sql);
  } catch (e) {
    assert.ok(e instanceof SqlError, String(e));
    return e;
  }
  assert.fail(`expected a syntax error for: ${sql}`);
}

test('parser: syntax errors say what was expected and found, with line and column', () => {
  let e = syntaxError('SELECT a,\n  FROM t');
  assert.deepEqual([e.line, e.column], [2, 3]);
  assert.match(e.message, /expected an expression, found 'FROM' \(at line 2, column 3\)/);
  e = syntaxError("CREATE TABLE t (a BIGINT) WITH ('connector' = jsonl)");
  assert.deepEqual([e.line, e.column], [1, 47]);
  assert.match(e.message, /expected the option's value in quotes, found 'jsonl'/);
  e = syntaxError("SELECT 'abc FROM t");
  assert.match(e.message, /unterminated string literal/);
  assert.deepEqual([e.line, e.column], [1, 8]);
  e = syntaxError('SELECT a FROM t1 JOIN t2 WHERE a = 1');
  assert.match(e.message, /expected ON or USING after the joined table, found 'WHERE' \(at line 1, column 26\)/);
  e = syntaxError('SELECT * FROM t /*+ OPTIONS(\'a\'=\'b\') */');
  assert.match(e.message, /hints .* not supported yet \(at line 1, column 17\)/);
});
