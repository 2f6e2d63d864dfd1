/**
 * SQL jobs under the deterministic test driver: window results appear when the watermark passes
 * the window's end; a checkpoint round trip in the middle of a window (accumulators with a
 * COUNT(DISTINCT) set) gives the same results as a run without one; JSON lines whose values do not
 * fit the table's column types are dead letters with their file and line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment, StreamTableEnvironment, sinks, type DataStream, type DeadLetter } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface Bid { auction: number; bidder: number; price: number; ts: number }
interface Out { auction: number; n: number; bidders: number; top: number; start: number }

async function job(): Promise<{ env: StreamEnvironment; out: DataStream<Out>; deadLetters: DataStream<DeadLetter> }> {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  await tEnv.executeSql(`CREATE TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'jsonl', 'path' = 'bids.jsonl')`);
  const out = tEnv.toDataStream<Out>(tEnv.sqlQuery(`
    SELECT auction, COUNT(*) AS n, COUNT(DISTINCT bidder) AS bidders, MAX(price) AS top, window_start AS start
    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end`));
  out.sinkTo(sinks.collect());
  const deadLetters = tEnv.deadLetters('bids');
  deadLetters.sinkTo(sinks.collect());
  return { env, out, deadLetters };
}

const FIRST: Bid[] = [
  { auction: 1, bidder: 7, price: 10, ts: 1_000 }, { auction: 1, bidder: 8, price: 30, ts: 2_000 }, { auction: 2, bidder: 7, price: 5, ts: 3_000 },
];
const SECOND: Bid[] = [{ auction: 1, bidder: 7, price: 20, ts: 4_000 }, { auction: 1, bidder: 9, price: 1, ts: 11_000 }, { auction: 2, bidder: 7, price: 9, ts: 12_500 }];
const EXPECTED_FIRST_WINDOW: Out[] = [{ auction: 1, n: 3, bidders: 2, top: 30, start: 0 }, { auction: 2, n: 1, bidders: 1, top: 5, start: 0 }];

test('sql under the test driver: a window fires when the watermark passes its end, and only then', async () => {
  const { env, out } = await job();
  const driver = StreamTestDriver.create(env);
  const results = driver.output(out);
  const input = driver.input<Bid>('bids');
  input.pushAll([...FIRST, ...SECOND.slice(0, 2)]); // watermark 11 s - 2 s - 1 ms: nothing has closed
  assert.deepEqual(results.take(), []);
  input.push({ auction: 2, bidder: 7, price: 9, ts: 12_500 }); // watermark 10.499 s: [0, 10 s) closes
  assert.deepEqual(results.take(), EXPECTED_FIRST_WINDOW);
  driver.endInput();
  assert.deepEqual(results.take(), [{ auction: 1, n: 1, bidders: 1, top: 1, start: 10_000 }, { auction: 2, n: 1, bidders: 1, top: 9, start: 10_000 }]);
});

test('sql under the test driver: a checkpoint round trip inside a window changes nothing', async () => {
  const { env, out } = await job();
  const first = StreamTestDriver.create(env);
  first.input<Bid>('bids').pushAll(FIRST);
  const snap = first.snapshot();
  const resumed = StreamTestDriver.create(env, { restoreFrom: snap });
  const results = resumed.output(out);
  resumed.input<Bid>('bids').pushAll(SECOND);
  resumed.endInput();
  assert.deepEqual(results.take(), [...EXPECTED_FIRST_WINDOW, { auction: 1, n: 1, bidders: 1, top: 1, start: 10_000 }, { auction: 2, n: 1, bidders: 1, top: 9, start: 10_000 }]);
});

test('sql: JSON lines that do not fit the column types are dead letters; SQL timestamp text is read', async () => {
  const { env, out, deadLetters } = await job();
  const driver = StreamTestDriver.create(env);
  const results = driver.output(out);
  const letters = driver.output(deadLetters);
  driver.input('bids').pushLines([
    '{"auction": 1, "bidder": 7, "price": 10, "ts": "1970-01-01 00:00:01.000"}',
    '{"auction": "one", "bidder": 7, "price": 10, "ts": 2000}',
    '{"auction": 1, "bidder": 7, "price": 10.5, "ts": 3000}',
    '[1, 2]',
  ], { file: 'bids.jsonl' });
  driver.endInput();
  assert.deepEqual(results.take(), [{ auction: 1, n: 1, bidders: 1, top: 10, start: 0 }]);
  const reasons = letters.take().map((d) => `${d.position} ${d.reason}`);
  assert.equal(reasons.length, 3);
  assert.match(reasons[0], /bids\.jsonl:2.*column auction is BIGINT, got "one"/);
  assert.match(reasons[1], /bids\.jsonl:3.*column price is BIGINT, got 10\.5/);
  assert.match(reasons[2], /bids\.jsonl:4.*expected a JSON object/);
});
