import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_LETTERS, OperatorError, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, type DeadLetter } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { FakeService } from './fake-service.ts';

interface Ev { id: number; ts: number }

function job(options: Parameters<ReturnType<StreamEnvironment['fromCollection']>['asyncMap']>[1], svc: { call: (e: Ev) => Promise<string> }) {
  const env = StreamEnvironment.create();
  const events = env.fromCollection<Ev>([], WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  const enriched = events.asyncMap((e) => svc.call(e), options).name('enrich');
  enriched.sinkTo(sinks.collect());
  return { env, enriched };
}

const ev = (id: number): Ev => ({ id, ts: id * 10 });

test('ordered: results leave in input order, whatever order they complete in', async () => {
  const svc = new FakeService<Ev, string>();
  const { env, enriched } = job({ capacity: 10 }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const input = driver.input<Ev>('events');
  for (let i = 1; i <= 5; i++) input.push(ev(i));
  assert.equal(svc.calls.length, 5);
  svc.calls[4].resolve('r5');
  svc.calls[3].resolve('r4');
  svc.calls[1].resolve('r2');
  await driver.settle();
  assert.deepEqual(out.values, [], 'the head (1) is still in flight');
  svc.calls[0].resolve('r1');
  await driver.settle();
  assert.deepEqual(out.take(), ['r1', 'r2']);
  svc.calls[2].resolve('r3');
  await driver.settle();
  assert.deepEqual(out.values, ['r3', 'r4', 'r5']);
  assert.deepEqual(out.timestamps, [30, 40, 50], 'records keep their timestamps');
});

test('unordered: results leave as they complete', async () => {
  const svc = new FakeService<Ev, string>();
  const { env, enriched } = job({ capacity: 10, ordered: false }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const input = driver.input<Ev>('events');
  for (let i = 1; i <= 4; i++) input.push(ev(i));
  svc.calls[3].resolve('r4');
  await driver.settle();
  assert.deepEqual(out.take(), ['r4']);
  svc.calls[1].resolve('r2');
  svc.calls[2].resolve('r3');
  await driver.settle();
  assert.deepEqual(out.take(), ['r2', 'r3']);
  svc.calls[0].resolve('r1');
  await driver.settle();
  assert.deepEqual(out.take(), ['r1']);
});

test('unordered: a result never crosses a watermark', async () => {
  const svc = new FakeService<Ev, string>();
  const env = StreamEnvironment.create();
  const events = env.fromCollection<Ev>([], WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  const enriched = events.asyncMap((e) => svc.call(e), { ordered: false });
  const counts = enriched.keyBy(() => 'all').window(TumblingEventTimeWindows.of(100)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const windows = driver.output(counts);
  const input = driver.input<Ev>('events');
  input.push(ev(1)).push(ev(2));
  input.advanceWatermark(99); // behind records 1 and 2
  input.push(ev(15)); // window [100, 200)
  svc.calls[2].resolve('r15'); // after the watermark: must wait for 1 and 2
  await driver.settle();
  assert.deepEqual(out.values, []);
  assert.deepEqual(windows.values, []);
  svc.calls[1].resolve('r2');
  await driver.settle();
  assert.deepEqual(out.values, ['r2']);
  svc.calls[0].resolve('r1');
  await driver.settle();
  assert.deepEqual(out.values, ['r2', 'r1', 'r15']);
  assert.deepEqual(windows.values, [{ key: 'all', start: 0, end: 100, value: 2 }], 'the watermark came after both records');
});

test('ordered: the watermark does not overtake records in flight (no late drops downstream)', async () => {
  const svc = new FakeService<Ev, string>();
  const env = StreamEnvironment.create();
  const events = env.fromCollection<Ev>([], WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  const counts = events.asyncMap((e) => svc.call(e)).keyBy(() => 'all').window(TumblingEventTimeWindows.of(100)).count();
  counts.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const windows = driver.output(counts);
  const input = driver.input<Ev>('events');
  input.push(ev(1)).push(ev(5));
  input.advanceWatermark(1_000);
  assert.deepEqual(windows.values, [], 'the window waits for the records in flight');
  svc.calls[1].resolve('b');
  await driver.settle();
  assert.deepEqual(windows.values, []);
  svc.calls[0].resolve('a');
  await driver.settle();
  assert.deepEqual(windows.values, [{ key: 'all', start: 0, end: 100, value: 2 }]);
  assert.equal(driver.metrics().lateDropped, 0);
  // End of input (+Infinity) is held the same way.
  input.push(ev(200));
  input.end();
  assert.equal(windows.take().length, 1);
  svc.calls[2].resolve('c');
  await driver.settle();
  assert.deepEqual(windows.take(), [{ key: 'all', start: 2_000, end: 2_100, value: 1 }]);
});

test('capacity: never more than `capacity` requests at once; the rest wait their turn', async () => {
  const svc = new FakeService<Ev, string>();
  const { env, enriched } = job({ capacity: 3 }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const input = driver.input<Ev>('events');
  for (let i = 1; i <= 10; i++) input.push(ev(i));
  assert.equal(svc.calls.length, 3);
  // Completing a later one does not free a slot in ordered mode: it still waits for its turn.
  svc.calls[2].resolve('r3');
  await driver.settle();
  assert.equal(svc.calls.length, 3);
  while (svc.open().length > 0) {
    svc.open()[0].resolve(`r${svc.open()[0].input.id}`);
    await driver.settle();
    assert.ok(svc.inFlight <= 3);
  }
  assert.equal(svc.maxInFlight, 3);
  assert.deepEqual(out.values, Array.from({ length: 10 }, (_, i) => `r${i + 1}`));
});

test('timeouts and retries follow the injected clock, with doubling backoff', async () => {
  const svc = new FakeService<Ev, string>();
  const { env, enriched } = job({ timeoutMs: 1_000, retries: 2, backoffMs: 100 }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const dead = driver.sideOutput(enriched, DEAD_LETTERS);
  driver.input<Ev>('events').push(ev(1));
  driver.advanceProcessingTime(999);
  assert.equal(svc.calls.length, 1);
  driver.advanceProcessingTime(1); // attempt 1 times out at 1000; retry after 100 ms
  assert.equal(svc.calls.length, 1);
  driver.advanceProcessingTime(100);
  assert.equal(svc.calls.length, 2, 'attempt 2 at 1100');
  svc.calls[0].resolve('too late'); // the timed-out attempt's answer is ignored
  svc.calls[1].reject(new Error('503'));
  await driver.settle();
  driver.advanceProcessingTime(199);
  assert.equal(svc.calls.length, 2);
  driver.advanceProcessingTime(1); // backoff doubled: 200 ms
  assert.equal(svc.calls.length, 3);
  svc.calls[2].resolve('ok');
  await driver.settle();
  assert.deepEqual(out.values, ['ok']);
  assert.deepEqual(dead.values, []);
});

test('a record whose last attempt fails goes to DEAD_LETTERS, counted, and the job goes on', async () => {
  const svc = new FakeService<Ev, string>();
  const { env, enriched } = job({ retries: 1, backoffMs: 50 }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const dead = driver.sideOutput(enriched, DEAD_LETTERS);
  const input = driver.input<Ev>('events');
  input.push(ev(1)).push(ev(2));
  svc.calls[0].reject(new Error('no such product'));
  svc.calls[1].resolve('r2');
  await driver.settle();
  driver.advanceProcessingTime(50);
  svc.calls[2].reject(new Error('no such product'));
  await driver.settle();
  assert.deepEqual(out.values, ['r2']);
  assert.deepEqual(dead.values, [{ operator: 'enrich', position: 'attempt 2 of 2', reason: 'no such product', raw: '{"id":1,"ts":10}' } satisfies DeadLetter]);
  assert.equal(driver.metrics().deadLetters, 1);
});

test("onFailure 'fail' fails the job with the operator's name", async () => {
  const svc = new FakeService<Ev, string>();
  const { env } = job({ onFailure: 'fail' }, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  driver.input<Ev>('events').push(ev(7));
  svc.calls[0].reject(new Error('connection refused'));
  await assert.rejects(driver.settle(), (e: unknown) => e instanceof OperatorError && e.operator === 'enrich' && /connection refused/.test(e.message) && /"id":7/.test(e.message));
});

test('bad options are rejected with what and which', () => {
  const env = StreamEnvironment.create();
  const s = env.fromCollection([1]);
  assert.throws(() => s.asyncMap(async (x) => x, { capacity: 0 }), /asyncMap: capacity must be an integer >= 1, got 0/);
  assert.throws(() => s.asyncMap(async (x) => x, { retries: -1 }), /retries/);
});

test('checkpoint round trip with requests in flight: owed inputs are replayed, the output is the same', async () => {
  let svc = new FakeService<Ev, string>();
  const env = StreamEnvironment.create();
  const events = env.fromCollection<Ev>([], WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  const enriched = events.asyncMap((e) => svc.call(e), { capacity: 4 });
  const counts = enriched.keyBy(() => 'all').window(TumblingEventTimeWindows.of(100)).count();
  counts.sinkTo(sinks.collect());
  enriched.sinkTo(sinks.collect());
  const answer = (c: FakeService<Ev, string>['calls'][number]) => c.resolve(`r${c.input.id}`);

  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  const out = driver.output(enriched);
  const windows = driver.output(counts);
  const input = driver.input<Ev>('events');
  for (const i of [1, 2, 3, 4, 5, 6, 12]) input.push(ev(i)); // 5, 6 and 12 wait: capacity 4
  input.advanceWatermark(99);
  answer(svc.calls[0]);
  answer(svc.calls[2]); // done but behind 2
  await driver.settle();
  assert.deepEqual(out.values, ['r1']);
  const snap = driver.snapshot();
  const callsBefore = svc.calls.length;

  // The original run, to the end.
  while (svc.open().length > 0) {
    answer(svc.open()[0]);
    await driver.settle();
  }
  input.end();
  const expected = { out: [...out.values], windows: [...windows.values] };
  assert.equal(expected.out.length, 7);

  // The restored run: a new service; only what was owed is asked again (not 1 or 3).
  svc = new FakeService<Ev, string>();
  const resumed = StreamTestDriver.create(env, { watermarks: 'manual', restoreFrom: snap });
  const out2 = resumed.output(enriched);
  const windows2 = resumed.output(counts);
  assert.deepEqual(svc.calls.map((c) => c.input.id), [2, 4, 5], 'owed inputs are requested again at open, up to capacity');
  while (svc.open().length > 0) {
    answer(svc.open()[0]);
    await resumed.settle();
  }
  resumed.input<Ev>('events').end();
  assert.deepEqual(['r1', ...out2.values], expected.out);
  assert.deepEqual(windows2.values, expected.windows);
  assert.equal(callsBefore, 5, 'before the snapshot: 1-4, then 5 once 1 had left');
});

test('the record type flows through asyncMap, and explain shows its settings', () => {
  const env = StreamEnvironment.create();
  const names = env.fromCollection([{ id: 1 }]).asyncMap(async (x) => ({ id: x.id, name: `n${x.id}` }), { capacity: 7, ordered: false, retries: 1 }).name('names');
  const lengths = names.map((n) => n.name.length);
  // @ts-expect-error: the result has no field 'price'
  names.map((n) => n.price);
  // @ts-expect-error: the function must return a promise
  env.fromCollection([1]).asyncMap((x: number) => x);
  lengths.sinkTo(sinks.collect());
  assert.match(env.explain(), /async-map 'names': unordered, capacity 7, timeout 30000 ms, 1 retries, failures -> dead-letter/);
});

test("dead letters of asyncMap count in the operator's own metrics", async () => {
  const svc = new FakeService<Ev, string>();
  const { env } = job({}, svc);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual' });
  driver.input<Ev>('events').push(ev(3));
  svc.calls[0].reject(new Error('gone'));
  await driver.settle();
  const op = driver.metrics().operators.find((o) => o.name === 'enrich');
  assert.equal(op?.deadLetters, 1);
});
