/**
 * StreamTableEnvironment end to end on small files and collections: CREATE TABLE over jsonl,
 * window aggregation with every aggregate (NULLs included), HAVING, INSERT INTO a jsonl table,
 * DataStreams as views, a user function, and explainSql showing the typed API's operators.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StreamEnvironment, StreamTableEnvironment, WatermarkStrategy, sinks } from 'eddy';

const dir = mkdtempSync(join(tmpdir(), 'eddy-sql-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Bid { auction: number | null; bidder: number; price: number | null; ts: number }
const BIDS: Bid[] = [
  { auction: 1, bidder: 10, price: 100, ts: 1_000 },
  { auction: 1, bidder: 11, price: 200, ts: 2_000 },
  { auction: 2, bidder: 10, price: null, ts: 3_000 },
  { auction: 1, bidder: 10, price: 301, ts: 9_000 },
  { auction: null, bidder: 12, price: 50, ts: 9_500 },
  { auction: 2, bidder: 13, price: 7, ts: 12_000 },
];
const bidsFile = join(dir, 'bids.jsonl');
writeFileSync(bidsFile, `${BIDS.map((b) => JSON.stringify(b)).join('\n')}\n`);

async function withBids(): Promise<{ env: StreamEnvironment; tEnv: StreamTableEnvironment }> {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  await tEnv.executeSql(`CREATE TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'jsonl', 'path' = '${bidsFile}')`);
  return { env, tEnv };
}

const byText = (rows: readonly object[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

test('sql: TUMBLE window aggregation with COUNT, SUM, MIN, MAX, AVG, COUNT(DISTINCT), FILTER; NULLs skipped, a NULL key is a group', async () => {
  const { env, tEnv } = await withBids();
  const table = tEnv.sqlQuery(`
    SELECT auction, window_start, window_end, COUNT(*) AS n, SUM(price) AS total, MIN(price) AS lo, MAX(price) AS hi,
      AVG(price) AS mean, COUNT(DISTINCT bidder) AS bidders, COUNT(*) FILTER (WHERE price > 150) AS big, COUNT(price) AS priced
    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY auction, window_start, window_end`);
  assert.deepEqual(table.columns.map((c) => `${c.name} ${c.type}`), [
    'auction BIGINT', 'window_start TIMESTAMP(3) NOT NULL', 'window_end TIMESTAMP(3) NOT NULL', 'n BIGINT NOT NULL', 'total BIGINT',
    'lo BIGINT', 'hi BIGINT', 'mean BIGINT', 'bidders BIGINT NOT NULL', 'big BIGINT NOT NULL', 'priced BIGINT NOT NULL',
  ]);
  const out = sinks.collect<object>();
  tEnv.toDataStream<object>(table).sinkTo(out);
  await env.execute('tumble');
  const row = (auction: number | null, start: number, n: number, total: number | null, lo: number | null, hi: number | null, mean: number | null, bidders: number, big: number, priced: number) =>
    ({ auction, window_start: start, window_end: start + 10_000, n, total, lo, hi, mean, bidders, big, priced });
  assert.deepEqual(byText(out.values), byText([
    row(1, 0, 3, 601, 100, 301, 200, 2, 2, 3), // AVG of BIGINT truncates, as Flink's
    row(2, 0, 1, null, null, null, null, 1, 0, 0),
    row(null, 0, 1, 50, 50, 50, 50, 1, 0, 1),
    row(2, 10_000, 1, 7, 7, 7, 7, 1, 0, 1),
  ]));
});

test('sql: HOP windows with HAVING, grouped by the window alone', async () => {
  const { env, tEnv } = await withBids();
  const out = sinks.collect<object>();
  tEnv.toDataStream<object>(tEnv.sqlQuery(`
    SELECT window_start AS s, COUNT(*) AS n, window_end - INTERVAL '1' SECOND AS last_second
    FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    GROUP BY window_start, window_end HAVING COUNT(*) > 1`)).sinkTo(out);
  await env.execute('hop');
  assert.deepEqual(byText(out.values), byText([
    { s: -5_000, n: 3, last_second: 4_000 }, { s: 0, n: 5, last_second: 9_000 }, { s: 5_000, n: 3, last_second: 14_000 },
  ]));
});

test('sql: CUMULATE windows: a running aggregate per 10 s period, at every 5 s step', async () => {
  const { env, tEnv } = await withBids();
  const out = sinks.collect<object>();
  tEnv.toDataStream<object>(tEnv.sqlQuery(`
    SELECT window_start AS s, window_end AS e, COUNT(*) AS n, SUM(price) AS total
    FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    GROUP BY window_start, window_end`)).sinkTo(out);
  await env.execute('cumulate');
  assert.deepEqual(byText(out.values), byText([
    { s: 0, e: 5_000, n: 3, total: 300 }, { s: 0, e: 10_000, n: 5, total: 651 },
    { s: 10_000, e: 15_000, n: 1, total: 7 }, { s: 10_000, e: 20_000, n: 1, total: 7 },
  ]));
});

test('sql: GROUP BY an expression, and a window over the window_time of another window aggregation', async () => {
  const { env, tEnv } = await withBids();
  await tEnv.executeSql(`CREATE VIEW per_parity AS
    SELECT MOD(bidder, 2) AS parity, COUNT(*) AS n, window_time
    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY MOD(bidder, 2), window_start, window_end`);
  const out = sinks.collect<object>();
  tEnv.toDataStream<object>(tEnv.sqlQuery(`
    SELECT window_start AS s, MAX(n) AS busiest, COUNT(*) AS groups
    FROM TABLE(TUMBLE(TABLE per_parity, DESCRIPTOR(window_time), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`)).sinkTo(out);
  await env.execute('cascade');
  // [0, 5 s): bidders 10, 11, 10 -> even 2, odd 1; [5, 10 s): 10, 12 -> even 2; [10, 15 s): 13 -> odd 1.
  assert.deepEqual(byText(out.values), byText([{ s: 0, busiest: 2, groups: 3 }, { s: 10_000, busiest: 1, groups: 1 }]));
});

test('sql: INSERT INTO a jsonl table runs a job of its own and writes the rows under the table\'s column names', async () => {
  const { tEnv } = await withBids();
  const path = join(dir, 'expensive.jsonl');
  await tEnv.executeSql(`CREATE TABLE expensive (id BIGINT, euros DOUBLE) WITH ('connector' = 'jsonl', 'path' = '${path}')`);
  const result = await tEnv.executeSql('INSERT INTO expensive SELECT auction, price * 0.5 FROM bids WHERE price > 100 OR price IS NULL');
  assert.equal(result.kind, 'INSERT');
  await result.await();
  assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), [
    { id: 1, euros: 100 }, { id: 2, euros: null }, { id: 1, euros: 150.5 },
  ]);
  assert.equal((await tEnv.executeSql('DROP TABLE expensive')).kind, 'OK');
});

test('sql: a DataStream as a view, with its timestamps as the time attribute, and a TypeScript function', async () => {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  interface Click { page: string; user: string; at: number }
  const clicks = env.fromCollection<Click>([
    { page: '/a', user: 'u1', at: 100 }, { page: '/b', user: 'u2', at: 900 }, { page: '/a', user: 'u3', at: 1_500 }, { page: '/a', user: 'u1', at: 1_700 },
  ], WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.at));
  tEnv.createTemporaryView('clicks', clicks, { columns: { page: 'STRING', user: 'STRING', at: 'TIMESTAMP(3)' }, rowtime: 'at' });
  tEnv.createTemporarySystemFunction('shout', (s: string) => `${s.toUpperCase()}!`);
  const out = sinks.collect<{ page: string; n: number; start: number }>();
  tEnv.toDataStream<{ page: string; n: number; start: number }>(tEnv.sqlQuery(`
    SELECT shout(page) AS page, COUNT(*) AS n, window_start AS start
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(at), INTERVAL '1' SECOND)) WHERE user <> 'u2'
    GROUP BY page, window_start, window_end`)).sinkTo(out);
  await env.execute('clicks');
  assert.deepEqual(byText(out.values), byText([{ page: '/A!', n: 1, start: 0 }, { page: '/A!', n: 2, start: 1_000 }]));
});

test('sql: a projection and filter over a view fold into one flatMap; explainSql shows the logical plan and the operators', async () => {
  const { tEnv } = await withBids();
  await tEnv.executeSql('CREATE VIEW priced AS SELECT auction, price * 2 AS doubled, ts FROM bids WHERE price IS NOT NULL');
  const text = tEnv.explainSql('SELECT auction, doubled FROM priced WHERE auction = 1');
  assert.match(text, /== Logical plan ==\nCalc\(select=\[auction, \(price \* 2\) AS doubled\], where=\[\(\(price IS NOT NULL\) AND \(auction = 1\)\)\]\)\n\+- TableSourceScan\(table=\[bids\]/);
  assert.match(text, /== Eddy plan ==\nJob 'sql': 2 operators in 1 chains?\n/);
  assert.match(text, /#1 flat-map 'Calc\(select=\[auction, doubled\], where=/);
  const windowed = tEnv.explainSql(`SELECT MAX(price) AS top FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`);
  assert.match(windowed, /window 'WindowAggregate\(window=\[TUMBLE\(size=\[10 s\]\)\], select=\[MAX\(price\)\], project=\[top\]\)': TumblingEventTimeWindows\(10000\)/);
});

test('sql: a table read by two queries of one job is read once', async () => {
  const { env, tEnv } = await withBids();
  const a = sinks.collect<object>();
  const b = sinks.collect<object>();
  tEnv.toDataStream<object>(tEnv.sqlQuery('SELECT auction FROM bids WHERE price > 150')).sinkTo(a);
  tEnv.toDataStream<object>(tEnv.sqlQuery('SELECT bidder FROM bids WHERE price < 150')).sinkTo(b);
  assert.equal(env.plan().nodes.filter((n) => n.kind === 'source').length, 1);
  await env.execute('two');
  assert.deepEqual([a.values, b.values], [[{ auction: 1 }, { auction: 1 }], [{ bidder: 10 }, { bidder: 12 }, { bidder: 13 }]]);
});

test('sql: datagen makes the same rows every run; INSERT INTO a blackhole table runs to the end', async () => {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  await tEnv.executeSql(`CREATE TABLE gen (id BIGINT, score INT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (
    'connector' = 'datagen', 'number-of-rows' = '50', 'rows-per-second' = '10',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '50', 'fields.score.min' = '1', 'fields.score.max' = '6', 'fields.name.length' = '4')`);
  const run = async () => {
    const e = StreamEnvironment.create();
    const t = StreamTableEnvironment.create(e);
    await t.executeSql(`CREATE TABLE gen (id BIGINT, score INT, name STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '50', 'fields.score.min' = '1', 'fields.score.max' = '6')`);
    const out = sinks.collect<{ id: number; score: number; name: string }>();
    t.toDataStream<{ id: number; score: number; name: string }>(t.sqlQuery('SELECT id, score, name FROM gen')).sinkTo(out);
    await e.execute('gen');
    return out.values;
  };
  const [first, second] = [await run(), await run()];
  assert.deepEqual(first, second);
  assert.deepEqual(first.map((r) => r.id), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.ok(first.every((r) => r.score >= 1 && r.score <= 6 && /^[a-z]{10}$/.test(r.name)));
  assert.ok(new Set(first.map((r) => r.score)).size > 3, 'scores spread over the range');
  await tEnv.executeSql("CREATE TABLE sink (n BIGINT, s TIMESTAMP(3)) WITH ('connector' = 'blackhole')");
  const result = await tEnv.executeSql(`INSERT INTO sink SELECT COUNT(*), window_start FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`);
  const done = await result.await();
  assert.ok(done !== null);
});

test('sql: the print format is Flink\'s: NULL as <NULL>, timestamps as text', async () => {
  const { formatValue } = await import('../../src/sql/format-value.ts');
  assert.equal(formatValue(null, { name: 'BIGINT', nullable: true }), '<NULL>');
  assert.equal(formatValue(Date.UTC(2024, 0, 2, 3, 4, 5, 6), { name: 'TIMESTAMP', nullable: true }), '2024-01-02 03:04:05.006');
  assert.equal(formatValue(true, { name: 'BOOLEAN', nullable: true }), 'TRUE');
});
