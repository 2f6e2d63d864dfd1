import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nexmarkConfig, type NexmarkConfig } from '../../src/connectors/nexmark/config.ts';
import { nexmarkEvent, nexmarkTimestamp, nexmarkWatermark } from '../../src/connectors/nexmark/generator.ts';
import { hotAuctionIndex, hotBidderIndex, hotSellerIndex } from '../../src/connectors/nexmark/id-windows.ts';
import type { Auction, Bid, NexmarkEvent, Person } from '../../src/connectors/nexmark/model.ts';
import { SeededRandom } from '../../src/connectors/nexmark/random.ts';

const COUNT = 50_000;
const defaults = nexmarkConfig();

function events(config: NexmarkConfig, count = COUNT, from = 0): NexmarkEvent[] {
  const out: NexmarkEvent[] = [];
  for (let n = from; n < from + count; n++) out.push(nexmarkEvent(config, n));
  return out;
}

const stream = events(defaults);
const people = stream.flatMap((e) => (e.person === null ? [] : [e.person]));
const auctions = stream.flatMap((e) => (e.auction === null ? [] : [e.auction]));
const bids = stream.flatMap((e) => (e.bid === null ? [] : [e.bid]));

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

test('config: reference defaults, derived fields, frozen', () => {
  assert.equal(defaults.firstEventRate, 10_000);
  assert.equal(defaults.totalProportion, 50);
  assert.equal(defaults.interEventDelayUs, 100);
  assert.equal(defaults.auctionHorizonEvents, 1666);
  assert.equal(defaults.baseTime, Date.parse('2026-01-01T00:00:00Z'));
  assert.ok(Object.isFrozen(defaults));
  assert.equal(nexmarkConfig({ firstEventRate: undefined }).firstEventRate, 10_000);
  assert.equal(nexmarkConfig({ firstEventRate: 1000, numEventGenerators: 4 }).interEventDelayUs, 4000);
});

test('config: names the option that is unknown or out of range', () => {
  assert.throws(() => nexmarkConfig({ firstEventRat: 5 } as never), /unknown option "firstEventRat"/);
  assert.throws(
    () => nexmarkConfig({ outOfOrderGroupSize: 0 }),
    /"outOfOrderGroupSize" must be an integer >= 1; got 0\./,
  );
  assert.throws(() => nexmarkConfig({ auctionProportion: 1.5 }), /"auctionProportion"/);
  assert.throws(() => nexmarkConfig({ firstEventRate: -1 }), /"firstEventRate" must be a positive number/);
  assert.throws(() => nexmarkConfig({ avgBidByteSize: 10_000_000 }), /"avgBidByteSize" must be at most/);
});

test('types come in exactly 1:3:46, in order and shuffled', () => {
  for (const config of [defaults, nexmarkConfig({ outOfOrderGroupSize: 50 })]) {
    const counts = [0, 0, 0];
    for (const e of config === defaults ? stream : events(config)) counts[e.type]++;
    assert.deepEqual(counts, [1000, 3000, 46_000]);
  }
  const counts = [0, 0, 0];
  for (const e of events(nexmarkConfig({ personProportion: 2, auctionProportion: 3, bidProportion: 5 }), 10_000)) {
    counts[e.type]++;
  }
  assert.deepEqual(counts, [2000, 3000, 5000]);
});

test('each event carries exactly the record its type names', () => {
  for (const e of stream) {
    assert.equal(e.person !== null, e.type === 0);
    assert.equal(e.auction !== null, e.type === 1);
    assert.equal(e.bid !== null, e.type === 2);
  }
});

test('deterministic: any event alone equals the same event in sequence', () => {
  assert.deepEqual(nexmarkEvent(defaults, 12_345), stream[12_345]);
  assert.deepEqual(nexmarkEvent(nexmarkConfig(), 12_345), stream[12_345]);
  for (const n of [49_999, 0, 7, 31_337, 1, 44]) assert.deepEqual(nexmarkEvent(defaults, n), stream[n]);
  // Far-off event numbers, whose ids use more than 32 bits, are just as replayable.
  const far = 2 ** 33 + 12_345;
  assert.deepEqual(nexmarkEvent(defaults, far), nexmarkEvent(defaults, far));
  assert.notDeepEqual(nexmarkEvent(defaults, far).bid?.extra, nexmarkEvent(defaults, 12_345).bid?.extra);
});

test('the stream is pinned: changing it must be deliberate', () => {
  // Stored query outputs and replay tests depend on these exact events. If a change to the
  // generator is meant to alter the stream, update the digest and say so in the change.
  const hash = createHash('sha256');
  for (const e of stream.slice(0, 1000)) hash.update(JSON.stringify(e));
  assert.equal(hash.digest('hex'), '3a1b18e0d2981f42083b25b6974ca8fd6c00a21c95a8328816d290462464ab31');
});

test('event numbers must be integers >= 0', () => {
  assert.throws(() => nexmarkEvent(defaults, -1), /nexmarkEvent: the event number must be an integer >= 0; got -1/);
  assert.throws(() => nexmarkWatermark(defaults, 1.5), RangeError);
  assert.throws(() => nexmarkTimestamp(defaults, Number.NaN), RangeError);
});

test('ids start at 1000 and each new person and auction takes the next id', () => {
  assert.deepEqual(people.slice(0, 3).map((p) => p.id), [1000, 1001, 1002]);
  assert.deepEqual(auctions.slice(0, 4).map((a) => a.id), [1000, 1001, 1002, 1003]);
  people.forEach((p, i) => assert.equal(p.id, 1000 + i));
  auctions.forEach((a, i) => assert.equal(a.id, 1000 + i));
});

test('categories are 10..14 and all are used', () => {
  const categories = new Set(auctions.map((a) => a.category));
  assert.deepEqual([...categories].sort(), [10, 11, 12, 13, 14]);
});

test('bids and auctions refer to existing people and auctions, or at most the lead ahead', () => {
  let lastPerson = -1;
  let lastAuction = -1;
  for (const e of stream) {
    if (e.person !== null) lastPerson = e.person.id;
    if (e.auction !== null) {
      lastAuction = e.auction.id;
      assert.ok(e.auction.seller >= 1000 && e.auction.seller <= lastPerson + defaults.personIdLead);
    }
    if (e.bid !== null) {
      const { auction, bidder } = e.bid;
      assert.ok(auction >= 1000 && auction <= lastAuction + defaults.auctionIdLead, `auction ${auction}`);
      assert.ok(auction >= lastAuction - defaults.numInFlightAuctions, `auction ${auction} is long closed`);
      assert.ok(bidder >= 1000 && bidder <= lastPerson + defaults.personIdLead, `bidder ${bidder}`);
    }
  }
});

test('hot keys: half the bids on the hot auction, three quarters from the hot bidder and seller', () => {
  let hotAuction = 0;
  let hotBidder = 0;
  let hotSeller = 0;
  stream.forEach((e, n) => {
    if (e.bid !== null) {
      if (e.bid.auction === 1000 + hotAuctionIndex(defaults, n)) hotAuction++;
      if (e.bid.bidder === 1000 + hotBidderIndex(defaults, n)) hotBidder++;
    }
    if (e.auction !== null && e.auction.seller === 1000 + hotSellerIndex(defaults, n)) hotSeller++;
  });
  // A random pick can land on the hot key too, so the shares sit slightly above 1/2 and 3/4.
  near(hotAuction / bids.length, 0.5, 0.02, 'hot auction share');
  near(hotBidder / bids.length, 0.75, 0.02, 'hot bidder share');
  near(hotSeller / auctions.length, 0.75, 0.03, 'hot seller share');
});

test('event times: in order at G = 1, spaced by the rate, and equal to nexmarkTimestamp', () => {
  let previous = -Infinity;
  stream.forEach((e, n) => {
    const time = (e.person ?? e.auction ?? e.bid)!.dateTime;
    assert.equal(time, nexmarkTimestamp(defaults, n));
    assert.ok(time >= previous, `event ${n} goes back in time`);
    previous = time;
  });
  assert.equal(nexmarkTimestamp(defaults, 0), defaults.baseTime);
  assert.equal(nexmarkTimestamp(defaults, 10_000), defaults.baseTime + 1000);
  assert.equal(nexmarkTimestamp(defaults, 25), defaults.baseTime + 2);
});

test('event times: at G = 50 shuffled, but never before the watermark emitted ahead of them', () => {
  const config = nexmarkConfig({ outOfOrderGroupSize: 50, firstEventRate: 1000 });
  let previousWatermark = -Infinity;
  let previousTime = -Infinity;
  let outOfOrder = 0;
  for (let n = 0; n < COUNT; n++) {
    const watermark = nexmarkWatermark(config, n);
    const e = nexmarkEvent(config, n);
    const time = (e.person ?? e.auction ?? e.bid)!.dateTime;
    assert.equal(time, nexmarkTimestamp(config, n));
    assert.ok(watermark >= previousWatermark, `watermark goes back at ${n}`);
    assert.ok(time >= watermark, `event ${n} at ${time} is behind the watermark ${watermark}`);
    if (time < previousTime) outOfOrder++;
    previousWatermark = watermark;
    previousTime = time;
  }
  // Within a group the adjusted offset 953m mod 50 = 3m mod 50 climbs by 3 and wraps twice.
  assert.equal(outOfOrder, (2 * COUNT) / 50);
});

test('record sizes average the configured sizes in the reference accounting', () => {
  // The reference counts 8 bytes a number plus the strings it lists; see the bid's note below.
  const avg = <T>(xs: T[], size: (x: T) => number) => xs.reduce((s, x) => s + size(x), 0) / xs.length;
  const person = (p: Person) =>
    8 + p.name.length + p.emailAddress.length + p.creditCard.length + p.city.length + p.state.length + p.extra.length;
  const auction = (a: Auction) => 48 + a.itemName.length + a.description.length + a.extra.length;
  // Channel and URL came later to the reference and are not counted in its bid size.
  const bid = (b: Bid) => 32 + b.extra.length;
  near(avg(people, person), 200, 50, 'person size');
  near(avg(auctions, auction), 500, 125, 'auction size');
  near(avg(bids, bid), 100, 25, 'bid size');
  const extras = bids.map((b) => b.extra.length);
  assert.equal(Math.min(...extras), 54);
  assert.equal(Math.max(...extras), 81);
});

test('values: prices, reserves, expiry, strings and channels look like the reference', () => {
  const prices = bids.map((b) => b.price);
  assert.ok(Math.min(...prices) >= 100 && Math.max(...prices) <= 100_000_000);
  // log10(price / 100) is uniform on [0, 6), so the median is about 10^3 * 100.
  near(Math.log10(median(prices)), 5, 0.1, 'log10 of the median price');
  const horizon = 2 * 166.6 + 1;
  for (const a of auctions) {
    assert.ok(a.reserve > a.initialBid);
    assert.ok(a.expires > a.dateTime && a.expires - a.dateTime <= horizon, `auction length ${a.expires - a.dateTime}`);
    assert.ok(a.itemName.length <= 19 && a.description.length <= 99);
    assert.equal(a.description, a.description.trim());
  }
  near(median(auctions.map((a) => a.expires - a.dateTime)), 167, 15, 'median auction length');
  for (const p of people) {
    assert.match(p.creditCard, /^\d{4} \d{4} \d{4} \d{4}$/);
    assert.match(p.emailAddress, /^[a-z ]{0,6}@[a-z ]{0,4}\.com$/);
    assert.ok(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'].includes(p.state));
  }
  const hot = new Set(bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)));
  near(hot.size / bids.length, 0.5, 0.02, 'hot channel share');
  for (const b of bids) {
    assert.match(b.url, /^https:\/\/www\.nexmark\.com\/[a-z_]{3,4}\/[a-z_]{3,4}\/[a-z_]{3,4}\/item\.htm\?query=1/);
    if (!hot.has(b)) assert.match(b.channel, /^channel-\d{1,4}$/);
  }
  assert.ok(new Set(bids.map((b) => b.channel)).size > 5000);
});

test('SeededRandom: reseeding replays, ints stay in bounds, large bounds work', () => {
  const rng = new SeededRandom();
  rng.seed(42);
  const first = [rng.nextUint32(), rng.nextInt(6), rng.nextDouble()];
  rng.seed(42);
  assert.deepEqual([rng.nextUint32(), rng.nextInt(6), rng.nextDouble()], first);
  const counts = new Array<number>(13).fill(0);
  for (let i = 0; i < 130_000; i++) counts[rng.nextInt(13)]++;
  for (const c of counts) near(c, 10_000, 500, 'uniform bucket');
  for (let i = 0; i < 1000; i++) {
    const x = rng.nextInt(2 ** 40);
    assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 40);
  }
});
