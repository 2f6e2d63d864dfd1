// uid() on every kind of stateful operator survives a savepoint round trip: a changed job (an
// operator inserted after each source, so every generated name shifts) resumes each operator's
// state by its uid; the same change without uids is refused, naming every orphaned state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CollectSink, type DataStream, type KeyedProcessFunction, type ValueState, BroadcastStateDescriptor, EventTimeSessionWindows,
  SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
} from 'eddy';
import type { Manifest } from '../../src/checkpoint/manifest.ts';

interface Ev { k: string; n: number; ts: number }

/** Every operator kind that keeps state, by the uid the test gives it. */
const UIDS = [
  'window', 'session-window', 'window-all', 'rolling', 'keyed-process', 'window-join', 'interval-join', 'regular-join',
  'temporal-join', 'lookup-join', 'broadcast-process', 'async-map',
] as const;
type Uid = (typeof UIDS)[number];

interface Version {
  /** Inserts a map after each source: every operator's generated name changes. */
  readonly shift: boolean;
  readonly uids: boolean;
  /** Source names (new names start from the beginning instead of the savepoint's positions). */
  readonly sources: readonly [string, string];
  readonly count: number;
  readonly rate?: number;
  /** Added to every event time: v2's records come after everything v1 saw. */
  readonly tsOffset: number;
}

const LIMITS = new BroadcastStateDescriptor<string, number>('limits');

function build(env: StreamEnvironment, v: Version): Record<Uid, CollectSink<any>> {
  const gen = () => sources.generator<Ev>({ count: v.count, ratePerSecond: v.rate, generate: (n) => ({ k: `k${n % 5}`, n, ts: v.tsOffset + n * 10 }) });
  const wm = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts);
  let left = env.fromSource(gen(), wm, v.sources[0]);
  let right = env.fromSource(gen(), wm, v.sources[1]);
  if (v.shift) {
    left = left.map((e) => e);
    right = right.map((e) => e);
  }
  const byK = (s: DataStream<Ev>) => s.keyBy((e) => e.k);
  type Counter = KeyedProcessFunction<string, Ev, { k: string; c: number }> & { c: ValueState<number> };
  const counter: Counter = {
    c: undefined as never,
    open(ctx) { this.c = ctx.getState<number>('c'); },
    processElement(e, ctx, out) {
      const c = (this.c.value() ?? 0) + 1;
      this.c.update(c);
      out.collect({ k: ctx.getCurrentKey(), c });
    },
  };
  const streams: Record<Uid, DataStream<any>> = {
    'window': byK(left).window(TumblingEventTimeWindows.of(1_000)).count(),
    'session-window': byK(left).window(EventTimeSessionWindows.withGap(1_000)).count(),
    'window-all': left.windowAll(SlidingEventTimeWindows.of(2_000, 1_000)).count(),
    'rolling': byK(left).sum(() => 1),
    'keyed-process': byK(left).process(counter),
    'window-join': byK(left).join(byK(right)).window(TumblingEventTimeWindows.of(1_000)).apply((l, r) => l.n + r.n),
    'interval-join': byK(left).intervalJoin(byK(right)).between(-20, 20).apply((l, r) => l.n - r.n),
    'regular-join': left.keyBy((e) => e.n).join(right.keyBy((e) => e.n)).regular().apply((l, r) => l.n + r.n),
    'temporal-join': left.temporalJoin(right.toTable((e) => e.k), (e) => e.k).inner((l, r) => l.n - r.n),
    'lookup-join': left.lookupJoin(right.toTable((e) => e.k), (e) => e.k).left((l, r) => (r === null ? -1 : l.n - r.n)),
    'broadcast-process': byK(left).connect(right.broadcast()).process<number>({
      processElement(e, ctx, out) { out.collect(ctx.getBroadcastState(LIMITS).get(e.k) ?? -1); },
      processBroadcastElement(e, ctx) { ctx.getBroadcastState(LIMITS).put(e.k, e.n); },
    }),
    'async-map': left.asyncMap(async (e) => e.n),
  };
  const outs = {} as Record<Uid, CollectSink<any>>;
  for (const uid of UIDS) {
    const out = sinks.collect<any>();
    (v.uids ? streams[uid].uid(uid) : streams[uid]).sinkTo(out);
    outs[uid] = out;
  }
  return outs;
}

test('every stateful operator kind resumes from a savepoint by uid after the job changed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-uids-'));
  try {
    const v1 = StreamEnvironment.create({ batchSize: 64, log: () => {}, checkpoints: { dir: join(root, 'ckpt1'), intervalMs: 60_000 } });
    const outs1 = build(v1, { shift: false, uids: true, sources: ['left', 'right'], count: 1_000_000, rate: 2_000, tsOffset: 0 });
    const job = v1.executeAsync('v1');
    for (let i = 0; i < 200 && outs1.rolling.values.length < 300; i++) await sleep(20);
    assert.ok(outs1.rolling.values.length >= 300, 'v1 processed records before the savepoint');
    const sp = await job.stopWithSavepoint(join(root, 'savepoints', 'sp-1'));
    assert.equal((await job.result).status, 'stopped');

    // Every operator's state is in the savepoint under its uid, not under a generated name.
    const manifest = JSON.parse(readFileSync(join(sp, 'MANIFEST.json'), 'utf8')) as Manifest;
    for (const uid of UIDS) {
      const entry = manifest.operators.find((o) => o.id === uid);
      assert.ok(entry !== undefined && entry.hasUid, `savepoint entry for '${uid}': ${JSON.stringify(manifest.operators.map((o) => o.id))}`);
    }
    const stateful = manifest.operators.filter((o) => o.local !== null || o.keyed.length > 0).map((o) => o.id).sort();
    assert.deepEqual(stateful, [...UIDS].sort(), 'every operator of the job held state at the savepoint');

    // The same change without uids: the state of every stateful operator is orphaned, and named.
    const orphan = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt3') }, restore: { from: 'path', path: sp } });
    build(orphan, { shift: true, uids: false, sources: ['left-v2', 'right-v2'], count: 50, tsOffset: 1_000_000 });
    const refused = await orphan.execute('orphan').then(() => null, (e: Error) => e.message);
    assert.ok(refused !== null, 'a changed job without uids must not silently drop state');
    for (const uid of stateful) assert.match(refused, new RegExp(`'${uid}' \\(`), `${uid} is named in: ${refused}`);

    // With the uids, the changed job takes all of it and carries on.
    const v2 = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt2') }, restore: { from: 'path', path: sp } });
    const outs2 = build(v2, { shift: true, uids: true, sources: ['left-v2', 'right-v2'], count: 50, tsOffset: 1_000_000 });
    const plan = v2.plan();
    for (const uid of UIDS) assert.notEqual(plan.nodes.find((n) => n.uid === uid)!.name, manifest.operators.find((o) => o.id === uid)!.name, `${uid}: generated name changed`);
    await v2.execute('v2');

    const firstK0 = (outs: CollectSink<any>, field: string) => (outs.values.find((o) => o.k === 'k0' || o.key === 'k0') as Record<string, number>)[field];
    assert.ok(firstK0(outs2.rolling, 'value') > 1, 'rolling sum continues from the savepoint');
    assert.ok(firstK0(outs2['keyed-process'], 'c') > 1, 'keyed process state continues from the savepoint');
    assert.ok(outs2['session-window'].values.some((w: { start: number }) => w.start < 1_000_000), 'the open session of v1 fires in v2');
    assert.ok(outs2['broadcast-process'].values.some((n: number) => n >= 0 && n < 1_000), 'broadcast state of v1 is read in v2');
    assert.ok(outs2['lookup-join'].values.every((n: number) => n !== -1), 'the lookup table of v1 answers v2\'s first records');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
