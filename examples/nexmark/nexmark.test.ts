/**
 * The Nexmark queries on small hand-made inputs with the StreamTestDriver: exact results, and when
 * they appear. q12 (processing time) runs generated events against the driver's manual clock.
 * The comparison with the reference SQL on 100,000 events is in test/nexmark.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment, sinks, sources, systemClock, type Bid, type DataStream, type NexmarkEvent, type SourceBatch } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { nexmarkEvents } from './nexmark-events.ts';
import { q0, q1, q11, q12, q2, q5, type BidderCount, type NexmarkQuery, type Q5Result } from './queries/index.ts';

function drive<R>(query: NexmarkQuery<R>) {
  const env = StreamEnvironment.create();
  const results: DataStream<R> = query(env, nexmarkEvents(env, {}));
  results.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(results);
  const input = driver.input<NexmarkEvent>('nexmark');
  const push = (...events: NexmarkEvent[]) => {
    for (const e of events) input.push(e, e.type === 2 ? e.bid.dateTime : e.type === 1 ? e.auction.dateTime : e.person.dateTime);
  };
  return { driver, out, push };
}

const bid = (auction: number, bidder: number, dateTime: number, price = 100): NexmarkEvent => ({
  type: 2, person: null, auction: null, bid: { auction, bidder, price, channel: 'Google', url: 'https://www.nexmark.com/a/b/c/item.htm?query=1', dateTime, extra: '' },
});
const person = (id: number, dateTime: number): NexmarkEvent => ({
  type: 0, auction: null, bid: null, person: { id, name: 'Peter Shultz', emailAddress: 'ps@xyz.com', creditCard: '0042 1234 9999 0001', city: 'Boise', state: 'ID', dateTime, extra: '' },
});
const auction = (id: number, dateTime: number): NexmarkEvent => ({
  type: 1, person: null, bid: null, auction: { id, itemName: 'qwe', description: 'rty', initialBid: 250, reserve: 900, dateTime, expires: dateTime + 150, seller: 1000, category: 10, extra: '' },
});
const byText = <T>(rows: T[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

test('q0 passes every bid on, and nothing else', () => {
  const { out, push } = drive(q0);
  push(person(1000, 0), auction(1000, 1), bid(1000, 1000, 2, 5), bid(1001, 1000, 3, 7));
  assert.deepEqual(out.values.map((b: Bid) => [b.auction, b.price, b.dateTime]), [[1000, 5, 2], [1001, 7, 3]]);
});

test('q1 converts prices to euros, rounding once', () => {
  const { out, push } = drive(q1);
  push(person(1000, 0), bid(1000, 1001, 2, 100), bid(1000, 1001, 3, 57_881));
  assert.deepEqual(out.values, [
    { auction: 1000, bidder: 1001, price: 90.8, dateTime: 2, extra: '' },
    // The exact 52555.948, where 57_881 * 0.908 gives 52555.948000000004.
    { auction: 1000, bidder: 1001, price: 52555.948, dateTime: 3, extra: '' },
  ]);
});

test('q2 keeps the bids on every 123rd auction', () => {
  const { out, push } = drive(q2);
  push(bid(1107, 1000, 0, 10), bid(1108, 1000, 1, 20), auction(1230, 2), bid(1230, 1000, 3, 30));
  assert.deepEqual(out.values, [{ auction: 1107, price: 10 }, { auction: 1230, price: 30 }]);
});

test('q5 emits, per sliding window, every auction tied for the most bids, once the watermark passes the window', () => {
  const { out, push, driver } = drive(q5);
  push(bid(1, 100, 1_000), bid(1, 101, 1_000), bid(2, 100, 1_000), bid(2, 100, 1_000), bid(3, 100, 1_000));
  push(bid(3, 102, 3_000));
  assert.deepEqual(out.values, []);
  push(person(1000, 20_000)); // watermark 20 s - 4 s - 1 ms: every window ending by 16 s fires
  const row = (a: number, num: number, end: number): Q5Result => ({ auction: a, num, starttime: end - 10_000, endtime: end });
  const expected = [row(1, 2, 2_000), row(2, 2, 2_000), row(3, 1, 12_000)];
  for (const end of [4_000, 6_000, 8_000, 10_000]) expected.push(row(1, 2, end), row(2, 2, end), row(3, 2, end));
  assert.deepEqual(byText(out.take()), byText(expected));
  driver.endInput();
  assert.deepEqual(out.take(), []);
});

test('q11 counts bids per bidder session: bids up to 10 s apart share one, out-of-order bids bridge two', () => {
  const { out, push, driver } = drive(q11);
  push(bid(1, 9, 0), bid(1, 9, 12_000)); // two sessions, both open at watermark 7,999
  push(bid(1, 9, 6_000)); // out of order, within 10 s of both: one session of three bids
  push(bid(1, 8, 5_000));
  push(bid(1, 7, 0), bid(1, 7, 10_000)); // exactly the gap apart: one session
  assert.deepEqual(out.values, []);
  const row = (bidder: number, count: number, start: number, last: number): BidderCount => ({ bidder, bid_count: count, starttime: start, endtime: last + 10_000 });
  push(bid(1, 7, 20_001)); // 1 ms more than the gap: a new session; watermark 15,999 closes bidder 8's
  assert.deepEqual(out.take(), [row(8, 1, 5_000, 5_000)]);
  push(bid(1, 1, 40_000)); // watermark 35,999: every session above has ended
  assert.deepEqual(byText(out.take()), byText([row(7, 2, 0, 10_000), row(7, 1, 20_001, 20_001), row(9, 3, 0, 12_000)]));
  driver.endInput();
  assert.deepEqual(out.take(), [row(1, 1, 40_000, 40_000)]);
});

test('q12 counts bids per bidder in 10 s windows of the manual processing-time clock', async () => {
  const { out, driver } = drive(q12);
  const input = driver.input<NexmarkEvent>('nexmark');
  const reader = sources.nexmark({ events: 6_000 }).createReader({ operatorName: 'nexmark', clock: systemClock, batchSize: 250, badInput: 'dead-letter' });
  await reader.open();
  const batch: SourceBatch<NexmarkEvent> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  const expected = new Map<string, BidderCount>();
  const due = (now: number) => [...expected.values()].filter((r) => r.endtime - 1 <= now);
  while ((await reader.read(batch)) === 'data') {
    for (let i = 0; i < batch.length; i++) {
      const e = batch.values[i];
      input.push(e, batch.times[i]);
      if (e.type !== 2) continue;
      const start = Math.floor(driver.now() / 10_000) * 10_000;
      const key = `${e.bid.bidder}@${start}`;
      const n = expected.get(key)?.bid_count ?? 0;
      expected.set(key, { bidder: e.bid.bidder, bid_count: n + 1, starttime: start, endtime: start + 10_000 });
    }
    driver.advanceProcessingTime(1_500);
    // Windows fire as the clock passes their end, not when the input ends.
    assert.deepEqual(byText(out.values), byText(due(driver.now())), `at processing time ${driver.now()}`);
  }
  assert.ok(driver.now() >= 30_000 && out.values.length > 0);
  driver.endInput();
  assert.deepEqual(byText(out.values), byText([...expected.values()]));
});
