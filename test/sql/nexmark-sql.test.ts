/**
 * The Nexmark queries in SQL (examples/nexmark/sql, as Flink's Nexmark repository writes them, on
 * the `nexmark` connector) against the same queries on the typed API (examples/nexmark/queries)
 * and against DuckDB running the reference SQL, all over the same 30,000 generated events. Each
 * SQL query runs as INSERT INTO a JSON Lines table; results must be equal as multisets. A second
 * run shuffles the events in groups of 15,000 (15 s of event time, with Flink's 4 s watermark some
 * bids are late): the windowed queries must drop the same bids both ways.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, sinks, type DataStream, type NexmarkEvent } from 'eddy';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-events.ts';
import { bids } from '../../examples/nexmark/queries/bids.ts';
import { q0, q1, q2 } from '../../examples/nexmark/queries/index.ts';
import { runNexmarkSql, type SqlQueryName } from '../../examples/nexmark/sql/nexmark-sql.ts';
import { DuckDbOracle, writeEventsFile, type Row } from '../nexmark/duckdb-oracle.ts';

const EVENTS = 30_000;
const TPS = 1_000; // 30 s of event time: 15 HOP slides, 3 tumbling windows
const BATCH = 1024;

/** The typed API's version of each query, with the SQL's column names. */
// `any`: a stream's type is invariant, and the test only collects the rows.
const TYPED: Record<SqlQueryName, (env: StreamEnvironment, events: DataStream<NexmarkEvent>) => DataStream<any>> = {
  q0: (env, events) => q0(env, events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra })),
  q1: (env, events) => q1(env, events),
  q2: (env, events) => q2(env, events),
  'q5-auction-bids': (_env, events) => bids(events).keyBy((b) => b.auction).window(SlidingEventTimeWindows.of(10_000, 2_000)).count()
    .map((c) => ({ auction: c.key, num: c.value, starttime: c.start, endtime: c.end })),
  'q7-max-price': (_env, events) => bids(events).keyBy(() => 0).window(TumblingEventTimeWindows.of(10_000)).max((b) => b.price)
    .map((m) => ({ maxprice: m.value, dateTime: m.end })),
};

/** DuckDB's reference query for each (test/nexmark/sql), and the columns the SQL query keeps. */
const DUCKDB: Record<SqlQueryName, { readonly file: string; readonly columns: readonly string[] | null }> = {
  q0: { file: 'q0', columns: ['auction', 'bidder', 'price', 'dateTime', 'extra'] },
  q1: { file: 'q1', columns: null },
  q2: { file: 'q2', columns: null },
  'q5-auction-bids': { file: 'q5-auction-bids', columns: null },
  'q7-max-price': { file: 'q7-max-price', columns: null },
};

const canonical = (row: object): string => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)));
function assertSameRows(actual: readonly object[], expected: readonly object[], what: string): void {
  assert.ok(expected.length > 0, `${what}: no rows to compare`);
  const a = actual.map(canonical).sort();
  const e = expected.map(canonical).sort();
  if (a.length !== e.length || a.some((x, i) => x !== e[i])) {
    const only = (xs: string[], ys: string[]) => xs.filter((x) => !ys.includes(x)).slice(0, 2).join(' ');
    assert.fail(`${what}: ${a.length} rows against ${e.length}; only in SQL: ${only(a, e)}; only in the other: ${only(e, a)}`);
  }
}

describe(`Nexmark SQL on Eddy vs the typed API and DuckDB, ${EVENTS} events`, () => {
  let dir: string;
  let oracle: DuckDbOracle;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eddy-nexmark-sql-'));
    writeEventsFile(join(dir, 'events.jsonl'), EVENTS, { firstEventRate: TPS });
    oracle = await DuckDbOracle.open(join(dir, 'events.jsonl'), BATCH);
  });
  after(() => {
    oracle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('q5-auction-bids and q7-max-price on events out of order (some late): SQL = typed API', async () => {
    for (const name of ['q5-auction-bids', 'q7-max-price'] as const) {
      const path = join(dir, `${name}-shuffled.jsonl`);
      const options = { events: EVENTS, tps: TPS, outOfOrderGroupSize: 15_000 };
      await runNexmarkSql(name, options, `'connector' = 'jsonl', 'path' = '${path}'`, StreamEnvironment.create({ batchSize: BATCH }));
      const sql = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object);
      const env = StreamEnvironment.create({ batchSize: BATCH });
      const out = sinks.collect<object>();
      const events = nexmarkEvents(env, { events: EVENTS, firstEventRate: TPS, outOfOrderGroupSize: 15_000 });
      TYPED[name](env, events).sinkTo(out);
      const result = await env.execute(name);
      assert.ok(result.metrics.lateDropped > 0, 'some bids arrive after their windows closed');
      assertSameRows(sql, out.values, `${name} (shuffled) SQL vs typed`);
    }
  });

  for (const name of Object.keys(TYPED) as SqlQueryName[]) {
    test(`${name}: SQL = typed API = DuckDB`, async () => {
      const path = join(dir, `${name}.jsonl`);
      await runNexmarkSql(name, { events: EVENTS, tps: TPS }, `'connector' = 'jsonl', 'path' = '${path}'`, StreamEnvironment.create({ batchSize: BATCH }));
      const sql = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object);

      const env = StreamEnvironment.create({ batchSize: BATCH });
      const out = sinks.collect<object>();
      TYPED[name](env, nexmarkEvents(env, { events: EVENTS, firstEventRate: TPS })).sinkTo(out);
      await env.execute(name);
      assertSameRows(sql, out.values, `${name} SQL vs typed`);

      const { file, columns } = DUCKDB[name];
      const rows = (await oracle.query(file)).map((r: Row) => (columns === null ? r : Object.fromEntries(columns.map((c) => [c, r[c]]))));
      assertSameRows(sql, rows, `${name} SQL vs DuckDB`);
    });
  }
});
