/**
 * The Nexmark queries built on joins (q3, q4, q7, q8) on small hand-made inputs with the
 * StreamTestDriver: exact results, and when they appear. The comparison with the reference SQL
 * on 100,000 events is in test/nexmark.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment, sinks, type DataStream, type NexmarkEvent } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { nexmarkEvents } from './nexmark-events.ts';
import { q3, q4, q7, q8, type NexmarkQuery } from './queries/index.ts';

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

const bid = (auction: number, dateTime: number, price: number): NexmarkEvent => ({
  type: 2, person: null, auction: null, bid: { auction, bidder: 1001, price, channel: 'Google', url: 'u', dateTime, extra: '' },
});
const person = (id: number, dateTime: number, state = 'ID'): NexmarkEvent => ({
  type: 0, auction: null, bid: null, person: { id, name: `P${id}`, emailAddress: 'p@xyz.com', creditCard: '0042', city: 'Boise', state, dateTime, extra: '' },
});
const auction = (id: number, dateTime: number, o: { seller?: number; category?: number; expires?: number } = {}): NexmarkEvent => ({
  type: 1, person: null, bid: null, auction: {
    id, itemName: 'qwe', description: 'rty', initialBid: 250, reserve: 900, dateTime, expires: o.expires ?? dateTime + 150,
    seller: o.seller ?? 1000, category: o.category ?? 10, extra: '',
  },
});

test('q3 joins category-10 auctions to sellers in OR, ID or CA, whichever arrives first', () => {
  const { out, push, driver } = drive(q3);
  push(person(1000, 0, 'ID'), auction(2000, 1, { seller: 1000 }), auction(2001, 2, { seller: 1000, category: 11 }));
  push(auction(2002, 3, { seller: 1001 }), person(1001, 4, 'CA')); // the auction first
  push(person(1002, 5, 'NY'), auction(2003, 6, { seller: 1002 }));
  driver.endInput();
  assert.deepEqual(out.values.map((r) => `${r.name}/${r.state}/${r.id}`), ['P1000/ID/2000', 'P1001/CA/2002']);
});

test('q4 closes an auction when the watermark passes its expiry, with its best bid inside its lifetime', () => {
  const { out, push } = drive(q4);
  push(bid(2000, 105, 7)); // before its auction: waits
  push(auction(2000, 100, { expires: 200 }), bid(2000, 150, 30), bid(2000, 201, 99), bid(2000, 200, 20));
  push(auction(2001, 150, { expires: 300 }), bid(2001, 250, 50));
  assert.deepEqual(out.values, []);
  push(bid(9999, 4_201, 1)); // watermark 201: auction 2000 closes with 30
  assert.deepEqual(out.take(), [{ category: 10, avg: 30 }]);
  push(bid(9999, 4_301, 1)); // auction 2001 closes with 50
  assert.deepEqual(out.take(), [{ category: 10, avg: 40 }]);
});

test('q7 emits the bids at the maximum price of each 10 s window, including one at exactly the window end', () => {
  const { out, push, driver } = drive(q7);
  push(bid(1, 1_000, 50), bid(2, 5_000, 80), bid(3, 9_999, 80), bid(4, 10_000, 80), bid(5, 12_000, 90));
  driver.endInput();
  // Window [0, 10 000): max 80 matches the bids at 5 000, 9 999 and 10 000 (BETWEEN end - 10 s AND end).
  // Window [10 000, 20 000): max 90.
  assert.deepEqual(out.values.map((b) => `${b.auction}@${b.dateTime}`).sort(), ['2@5000', '3@9999', '4@10000', '5@12000']);
});

test('q8 emits a person once per 10 s window in which they also opened auctions', () => {
  const { out, push, driver } = drive(q8);
  push(person(1000, 1_000), auction(2000, 2_000, { seller: 1000 }), auction(2001, 3_000, { seller: 1000 }));
  push(person(1001, 4_000), auction(2002, 10_000, { seller: 1001 })); // next window: no
  push(auction(2003, 10_500, { seller: 1002 }), person(1002, 19_999));
  driver.endInput();
  assert.deepEqual(out.values.map((r) => `${r.id}/${r.name}/${r.stime}`), ['1000/P1000/0', '1002/P1002/10000']);
});
