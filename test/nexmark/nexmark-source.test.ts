import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ManualClock, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, systemClock,
  type NexmarkEvent, type NexmarkSourceOptions, type SourceBatch, type SourceReader,
} from 'eddy';
import { nexmarkConfig, nexmarkEvent, nexmarkTimestamp } from '../../src/connectors/nexmark/index.ts';

const newBatch = (): SourceBatch<NexmarkEvent> => ({ split: 0, values: [], times: [], length: 0, deadLetters: [] });

function reader(options: NexmarkSourceOptions, batchSize = 100, clock = systemClock): SourceReader<NexmarkEvent> {
  return sources.nexmark(options).createReader({ operatorName: 'nexmark', clock, batchSize, badInput: 'dead-letter' });
}

/** Reads until the end (or `batches` batches): [split, event, time] of each record, in order. */
async function drain(r: SourceReader<NexmarkEvent>, batches = Number.POSITIVE_INFINITY): Promise<[number, NexmarkEvent, number][]> {
  const batch = newBatch();
  const out: [number, NexmarkEvent, number][] = [];
  for (let b = 0; b < batches && (await r.read(batch)) === 'data'; b++) {
    for (let i = 0; i < batch.length; i++) out.push([batch.split, batch.values[i], batch.times[i]]);
  }
  return out;
}

test('nexmark source: a bounded run is events 0 .. events - 1, each stamped with its event time', async () => {
  const config = nexmarkConfig({ outOfOrderGroupSize: 50, firstEventRate: 1_000 });
  const r = reader({ events: 1_234, outOfOrderGroupSize: 50, firstEventRate: 1_000 });
  await r.open();
  const got = await drain(r);
  assert.equal(got.length, 1_234);
  got.forEach(([split, event, time], n) => {
    assert.equal(split, 0);
    assert.deepEqual(event, nexmarkEvent(config, n));
    assert.equal(time, nexmarkTimestamp(config, n));
  });
  assert.equal(r.isSplitFinished(0), true);
  assert.equal(await r.read(newBatch()), 'end');
  assert.deepEqual(r.position(), [1_234]);
});

test('nexmark source: a reader resumed from a position continues with the next event of each split', async () => {
  const options: NexmarkSourceOptions = { events: 2_000, splits: 3, outOfOrderGroupSize: 7 };
  const whole = reader(options, 64);
  await whole.open();
  const all = await drain(whole);
  assert.equal(all.length, 2_000);

  const first = reader(options, 64);
  await first.open();
  const head = await drain(first, 10);
  const position = JSON.parse(JSON.stringify(first.position())) as number[];
  const resumed = reader(options, 64);
  resumed.seek(position);
  await resumed.open();
  const tail = await drain(resumed);
  const byEvent = (rows: [number, NexmarkEvent, number][]) => rows.map(([s, e, t]) => JSON.stringify([s, e, t])).sort();
  assert.deepEqual(byEvent([...head, ...tail]), byEvent(all));
  // Split s holds events s, s + 3, ...: its position is the next such number.
  position.forEach((next, s) => assert.equal(next % 3, s));
  assert.throws(() => resumed.seek([5, 1]), /next event number of each of the 3 splits.*"splits" changed/s);
  assert.throws(() => resumed.seek([1, 1, 2]), /cannot resume from \[1,1,2\]/);
});

test('nexmark source: the rate limit follows the injected clock', async () => {
  const clock = new ManualClock(0);
  const r = reader({ rate: 1_000 }, 1_000, clock);
  await r.open();
  const batch = newBatch();
  clock.advance(20); // 20 ms at 1,000/s: 20 events
  assert.equal(r.read(batch), 'data');
  assert.equal(batch.length, 20);
  const pending = r.read(batch);
  assert.ok(pending instanceof Promise, 'no more events until the clock moves');
  clock.advance(5);
  assert.equal(await pending, 'data');
  assert.equal(batch.length, 5);
  const config = nexmarkConfig();
  assert.deepEqual(batch.times.slice(0, 5), [20, 21, 22, 23, 24].map((n) => nexmarkTimestamp(config, n)));
  assert.equal(sources.nexmark({ rate: 1_000 }).bounded, false);
});

test('nexmark source: options are checked, naming the one that is wrong', () => {
  assert.throws(() => sources.nexmark({ events: -1 }), /"events" must be an integer >= 0/);
  assert.throws(() => sources.nexmark({ events: 1.5 }), /"events" must be an integer >= 0/);
  assert.throws(() => sources.nexmark({ rate: 0 }), /"rate" must be a positive number/);
  assert.throws(() => sources.nexmark({ splits: 0 }), /"splits" must be an integer >= 1/);
  assert.throws(() => sources.nexmark({ outOfOrderGroupSize: 0 }), /option "outOfOrderGroupSize" must be an integer >= 1/);
  assert.throws(() => sources.nexmark({ eventz: 10 } as NexmarkSourceOptions), /unknown option "eventz"/);
  const s = sources.nexmark({ events: 10, splits: 2, outOfOrderGroupSize: 50 });
  assert.equal(s.kind, 'nexmark');
  assert.equal(s.bounded, true);
  assert.match(s.describe(), /nexmark\(10 events, 10000 events\/s of event time, out-of-order groups of 50, 2 splits\)/);
});

test('nexmark source: in a job, records carry the generator time with no timestamp assigner', async () => {
  const config = nexmarkConfig({ outOfOrderGroupSize: 50 });
  const env = StreamEnvironment.create({ batchSize: 100 });
  const out = sinks.collect<NexmarkEvent>();
  const events = env.fromSource(sources.nexmark({ events: 5_000, splits: 3, outOfOrderGroupSize: 50 }),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(10), 'nexmark');
  events.sinkTo(out);
  const result = await env.execute();
  assert.equal(out.values.length, 5_000);
  const stamped = out.values.map((e, i) => [e.type === 2 ? e.bid.dateTime : e.type === 1 ? e.auction.dateTime : e.person.dateTime, out.timestamps[i]]);
  for (const [dateTime, ts] of stamped) assert.equal(ts, dateTime);
  assert.deepEqual(out.timestamps.slice().sort((a, b) => a - b),
    Array.from({ length: 5_000 }, (_, n) => nexmarkTimestamp(config, n)).sort((a, b) => a - b));
  assert.equal(result.metrics.watermark, Number.POSITIVE_INFINITY);
});

test('nexmark source: nothing is late when the watermark delay covers the shuffle, something is when it does not', async () => {
  // Groups of 50 events at 100 us each span at most 5 ms of event time.
  const lateWith = async (delayMs: number): Promise<number> => {
    const env = StreamEnvironment.create({ batchSize: 64 });
    env.fromSource(sources.nexmark({ events: 20_000, outOfOrderGroupSize: 50 }), WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(delayMs), 'nexmark')
      .keyBy((e) => e.type).window(TumblingEventTimeWindows.of(1)).count().sinkTo(sinks.collect());
    return (await env.execute()).metrics.lateDropped;
  };
  assert.equal(await lateWith(5), 0);
  assert.ok((await lateWith(0)) > 0);
});
