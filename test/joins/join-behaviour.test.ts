// Join behaviour beyond the oracles: checkpoint round trips, bounded state, idle inputs, bounds,
// late side outputs, and compile-time types.
import { test, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, TumblingProcessingTimeWindows, EventTimeSessionWindows, OutputTag, sinks,
  LmdbStateBackend, type DataStream, type KeyedStream, type Source, type KeyedStateBackend,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { arbOps, type BuildJoin, type JRec, runJoin, sorted } from './join-harness.ts';

const ids = (a: JRec | null, b: JRec | null) => ({ l: a?.id ?? null, r: b?.id ?? null, time: 0 });
const joins: Record<string, BuildJoin> = {
  'interval full outer': (l, r) => l.intervalJoin(r).between(-10, 20).fullOuter().apply(ids),
  'window tumbling full outer': (l, r) => l.join(r).window(TumblingEventTimeWindows.of(30)).fullOuter().apply(ids),
  'window session left outer': (l, r) => l.join(r).window(EventTimeSessionWindows.withGap(12)).leftOuter().apply(ids),
  'regular full outer with TTL': (l, r) => l.join(r).withTtl(25).fullOuter().apply(ids),
};

for (const [name, build] of Object.entries(joins)) {
  test(`checkpoint round trip: ${name} (snapshot, restore into a fresh job, continue: same output)`, () => {
    fc.assert(fc.property(arbOps(200, true), fc.nat(), (ops, at) => {
      const straight = runJoin(build, ops);
      const resumed = runJoin(build, ops, at % ops.length);
      assert.deepEqual(sorted(resumed.out), sorted(straight.out));
      assert.equal(resumed.lateDropped, straight.lateDropped);
    }), { numRuns: 150 });
  });
}

const root = mkdtempSync(join(tmpdir(), 'eddy-joins-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** LMDB with a cache of 2 entries, so that most reads and writes go through the database. */
const lmdb = () => new LmdbStateBackend({ path: join(root, `b${dirs++}`), cacheEntries: 2 });

for (const name of ['interval full outer', 'window tumbling full outer', 'window session left outer', 'regular full outer with TTL']) {
  test(`LMDB state backend: ${name} gives what the heap backend gives, across a restore`, () => {
    fc.assert(fc.property(arbOps(200, true), fc.nat(), (ops, at) => {
      const heap = runJoin(joins[name], ops);
      const disk = runJoin(joins[name], ops, at % ops.length, lmdb);
      assert.deepEqual(sorted(disk.out), sorted(heap.out));
    }), { numRuns: 40 });
  });
}

interface Ev { k: string; ts: number; id: number }
const placeholder: Source<Ev> = { kind: 'manual', bounded: true, describe: () => 'manual', createReader: () => { throw new Error('driver only'); } };

function job(build: (l: KeyedStream<string, Ev>, r: KeyedStream<string, Ev>) => DataStream<string>, idleMs?: number) {
  const env = StreamEnvironment.create();
  let strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts);
  if (idleMs !== undefined) strategy = strategy.withIdleness(idleMs);
  const l = env.fromSource(placeholder, strategy, 'left').keyBy((e) => e.k);
  const r = env.fromSource(placeholder, strategy, 'right').keyBy((e) => e.k);
  const joined = build(l, r);
  joined.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  return { driver, out: driver.output(joined), joined };
}

/** The keyed state backend of the operator producing `stream` (test-only peek at the runtime). */
function backendOf(driver: StreamTestDriver, stream: { readonly id: number }): KeyedStateBackend {
  const graph = (driver as unknown as { graph: { nodes: { backend: KeyedStateBackend }[] } }).graph;
  return graph.nodes[stream.id].backend;
}
const entries = (b: KeyedStateBackend) => b.tableNames().filter((t) => t === 'left' || t === 'right')
  .reduce((n, t) => n + [...b.table<unknown[]>(t).entries()].reduce((m, [, list]) => m + list.length, 0), 0);

test('interval join state stays bounded: records leave once the watermark passes their interval', () => {
  const { driver, out, joined } = job((l, r) => l.intervalJoin(r).between(0, 100).apply((a, b) => `${a.id}-${b.id}`));
  const L = driver.input<Ev>('left');
  const R = driver.input<Ev>('right');
  let id = 0;
  for (let t = 0; t < 10_000; t += 10) {
    L.push({ k: `k${t % 7}`, ts: t, id: id++ });
    R.push({ k: `k${t % 7}`, ts: t + 50, id: id++ });
  }
  // With both watermarks at ~10 000, only records of the last ~100 ms can still match.
  const held = entries(backendOf(driver, joined));
  assert.ok(held > 0 && held <= 40, `held ${held} records`);
  assert.ok(out.values.length > 900);
  driver.endInput();
});

test('regular join with TTL: state empties when processing time passes the TTL, even for keys never seen again', () => {
  const { driver, joined } = job((l, r) => l.join(r).withTtl(1_000).apply((a, b) => `${a.id}-${b.id}`));
  for (let i = 0; i < 100; i++) driver.input<Ev>('left').push({ k: `k${i}`, ts: i, id: i });
  const backend = backendOf(driver, joined);
  assert.equal(entries(backend), 100);
  driver.advanceProcessingTime(999);
  assert.equal(entries(backend), 100);
  driver.advanceProcessingTime(1);
  assert.equal(entries(backend), 0);
});

test('an idle input does not stall the join: the other side\'s watermark fires windows and evicts', () => {
  const { driver, out } = job((l, r) => l.join(r).window(TumblingEventTimeWindows.of(100)).leftOuter()
    .apply((a, b) => `${a.id}:${b?.id ?? 'none'}`), 500);
  driver.input<Ev>('right').push({ k: 'a', ts: 10, id: 1 });
  driver.input<Ev>('left').push({ k: 'a', ts: 20, id: 2 });
  driver.input<Ev>('left').push({ k: 'a', ts: 150, id: 3 });
  assert.deepEqual(out.values, [], 'the right input holds the watermark at 9');
  driver.advanceProcessingTime(600); // the right input goes idle; the left one alone moves time
  driver.input<Ev>('left').push({ k: 'a', ts: 250, id: 4 });
  assert.deepEqual(out.take(), ['2:1', '3:none']);
});

test('interval bounds are inclusive, and exclusive when asked', () => {
  const run = (f: (l: KeyedStream<string, Ev>, r: KeyedStream<string, Ev>) => DataStream<string>) => {
    const { driver, out } = job(f);
    driver.input<Ev>('left').push({ k: 'a', ts: 100, id: 0 });
    for (const ts of [89, 90, 95, 110, 111]) driver.input<Ev>('right').push({ k: 'a', ts, id: ts });
    driver.endInput();
    return out.values.sort();
  };
  assert.deepEqual(run((l, r) => l.intervalJoin(r).between(-10, 10).apply((_a, b) => `${b.ts}`)), ['110', '90', '95']);
  assert.deepEqual(run((l, r) => l.intervalJoin(r).between(-10, 10).lowerBoundExclusive().upperBoundExclusive().apply((_a, b) => `${b.ts}`)), ['95']);
  assert.throws(() => run((l, r) => l.intervalJoin(r).between(10, -10).apply(() => '')), /lower <= upper/);
  assert.throws(() => run((l, r) => l.intervalJoin(r).between(5, 5).upperBoundExclusive().apply(() => '')), /no time to match/);
});

test('interval join: late records go to the side outputs, with both timestamps in the context', () => {
  const lateL = new OutputTag<Ev>('late-left');
  const lateR = new OutputTag<Ev>('late-right');
  const env = StreamEnvironment.create();
  const s = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts);
  const joined = env.fromSource(placeholder, s, 'left').keyBy((e) => e.k)
    .intervalJoin(env.fromSource(placeholder, s, 'right').keyBy((e) => e.k))
    .between(0, 50).sideOutputLeftLateData(lateL).sideOutputRightLateData(lateR)
    .process<string>((a, b, ctx, out) => out.collect(`${a.id}-${b.id}@${ctx.timestamp()} lag ${ctx.rightTimestamp() - ctx.leftTimestamp()}`));
  joined.sinkTo(sinks.collect());
  joined.getSideOutput(lateL).sinkTo(sinks.collect());
  joined.getSideOutput(lateR).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  const out = driver.output(joined);
  const ll = driver.sideOutput(joined, lateL);
  const lr = driver.sideOutput(joined, lateR);
  driver.input<Ev>('left').push({ k: 'a', ts: 100, id: 1 });
  driver.input<Ev>('right').push({ k: 'a', ts: 130, id: 2 });
  driver.input<Ev>('left').push({ k: 'a', ts: 100, id: 3 }); // the join's watermark is 99: not late
  driver.input<Ev>('left').push({ k: 'a', ts: 300, id: 4 });
  driver.input<Ev>('right').push({ k: 'a', ts: 200, id: 5 }); // now min(299, 199) = 199
  driver.input<Ev>('left').push({ k: 'a', ts: 150, id: 6 }); // late
  driver.input<Ev>('right').push({ k: 'a', ts: 180, id: 7 }); // late
  driver.endInput();
  assert.deepEqual(out.values, ['1-2@130 lag 30', '3-2@130 lag 30']);
  assert.deepEqual(ll.values.map((e) => e.id), [6]);
  assert.deepEqual(lr.values.map((e) => e.id), [7]);
  assert.equal(driver.metrics().lateToSideOutput, 2);
});

test('types: key types must agree, outer sides are nullable, the result type is tracked', () => {
  const env = StreamEnvironment.create();
  const a = env.fromCollection([{ user: 'u', n: 1 }]);
  const b = env.fromCollection([{ id: 1, name: 'x' }]);
  // @ts-expect-error a string key cannot join a number key
  a.keyBy((x) => x.user).join(b.keyBy((y) => y.id));
  const j = a.keyBy((x) => String(x.n)).join(b.keyBy((y) => y.name)).window(TumblingEventTimeWindows.of(10));
  const inner: DataStream<number> = j.apply((x, y) => x.n + y.id);
  // @ts-expect-error the right side of a left outer join may be null
  j.leftOuter().apply((x, y) => x.n + y.id);
  const left: DataStream<string> = j.leftOuter().apply((x, y) => `${x.user}:${y?.name ?? '-'}`);
  const interval: DataStream<{ u: string }> = a.keyBy((x) => x.user).intervalJoin(b.keyBy((y) => y.name)).between(0, 1).apply((x) => ({ u: x.user }));
  // @ts-expect-error no field 'nope' on the left record
  a.keyBy((x) => x.user).join(b.keyBy((y) => y.name)).regular().apply((x) => x.nope);
  assert.ok(inner && left && interval);
});

test('explain names the join, its inputs and its bounds', () => {
  const env = StreamEnvironment.create();
  const a = env.fromCollection([{ k: 'a', ts: 1 }], WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>(), 'a').keyBy((x) => x.k);
  const b = env.fromCollection([{ k: 'a', ts: 1 }], WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>(), 'b').keyBy((x) => x.k);
  a.intervalJoin(b).between(-5, 10).leftOuter().apply((x) => x).name('matched').sinkTo(sinks.collect());
  a.join(b).withTtl(60_000).apply((x) => x).sinkTo(sinks.collect());
  const text = env.explain();
  assert.match(text, /interval-join 'matched': left join of #1 and #3, right ts in left ts \+ \[-5, 10\] ms/);
  assert.match(text, /regular-join '.*': inner join of #1 and #3, state TTL 60000 ms/);
});

test('window join: late records of each side go to that side\'s late output, or are counted when it has none', () => {
  const lateL = new OutputTag<Ev>('late-left');
  const run = (withRightTag: boolean) => {
    const lateR = new OutputTag<Ev>('late-right');
    const env = StreamEnvironment.create();
    const s = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts);
    let j = env.fromSource(placeholder, s, 'left').keyBy((e) => e.k)
      .join(env.fromSource(placeholder, s, 'right').keyBy((e) => e.k))
      .window(TumblingEventTimeWindows.of(100)).sideOutputLeftLateData(lateL);
    if (withRightTag) j = j.sideOutputRightLateData(lateR);
    const joined = j.apply((a, b) => `${a.id}-${b.id}`);
    joined.sinkTo(sinks.collect());
    joined.getSideOutput(lateL).sinkTo(sinks.collect());
    joined.getSideOutput(lateR).sinkTo(sinks.collect());
    const driver = StreamTestDriver.create(env);
    const out = driver.output(joined);
    const ll = driver.sideOutput(joined, lateL);
    const lr = driver.sideOutput(joined, lateR);
    driver.input<Ev>('left').push({ k: 'a', ts: 10, id: 1 }).push({ k: 'a', ts: 150, id: 2 });
    driver.input<Ev>('right').push({ k: 'a', ts: 20, id: 3 }).push({ k: 'a', ts: 160, id: 4 }); // watermark 149: [0, 100) fires
    driver.input<Ev>('left').push({ k: 'a', ts: 50, id: 5 }); // late
    driver.input<Ev>('right').push({ k: 'a', ts: 60, id: 6 }); // late
    driver.endInput();
    return { out: out.values, ll: ll.values.map((e) => e.id), lr: lr.values.map((e) => e.id), m: driver.metrics() };
  };
  const both = run(true);
  assert.deepEqual(both.out, ['1-3', '2-4']);
  assert.deepEqual([both.ll, both.lr, both.m.lateToSideOutput, both.m.lateDropped], [[5], [6], 2, 0]);
  const leftOnly = run(false);
  assert.deepEqual([leftOnly.ll, leftOnly.lr, leftOnly.m.lateToSideOutput, leftOnly.m.lateDropped], [[5], [], 1, 1]);
});

test('window join on processing-time windows pairs what arrived in the same window of the clock', () => {
  const { driver, out } = job((l, r) => l.join(r).window(TumblingProcessingTimeWindows.of(100)).fullOuter()
    .apply((a, b) => `${a?.id ?? '-'}:${b?.id ?? '-'}`));
  driver.input<Ev>('left').push({ k: 'a', ts: 5_000, id: 1 });
  driver.input<Ev>('right').push({ k: 'a', ts: 1, id: 2 });
  driver.advanceProcessingTime(150); // the clock passes 99: window [0, 100) fires
  driver.input<Ev>('right').push({ k: 'a', ts: 2, id: 3 });
  assert.deepEqual(out.take(), ['1:2']);
  driver.endInput();
  assert.deepEqual(out.take(), ['-:3']);
});
