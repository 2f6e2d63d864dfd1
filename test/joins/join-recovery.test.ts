// Joins under the production runner with checkpoints (incremental keyed state, not the driver's
// full snapshots): a job that fails midway and resumes from its latest checkpoint commits exactly
// what an uninterrupted run commits, on the heap and on LMDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LmdbStateBackend, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, type KeyedStateBackend, type StateBackendContext,
} from 'eddy';

interface Ev { k: number; ts: number; id: number }
/** Side `s`'s event i: 10 ms apart, up to 300 ms out of order, every 89th one 5 s late. */
const generate = (s: number) => (i: number): Ev => ({
  k: (i * (s === 0 ? 7919 : 104_729)) % 17, ts: i * 10 - ((i * 31) % 7) * 50 - (i % 89 === 0 ? 5_000 : 0), id: i,
});

function committed(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path).filter((n) => !n.startsWith('.')).sort()
    .flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n').filter(Boolean));
}

function build(env: StreamEnvironment, out: string, failWhen: (() => boolean) | null) {
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(300).withTimestampAssigner((e) => e.ts);
  let seen = 0;
  const leftEvents = env.fromSource(sources.generator({ count: 10_000, generate: generate(0) }), strategy, 'left')
    .map((e) => {
      // Fails once something is committed (or, on a fast machine, near the end regardless).
      if (failWhen !== null && ++seen % 500 === 0 && (failWhen() || seen >= 9_000)) throw new Error('injected failure');
      return e;
    }).name('maybe-fail');
  const rightEvents = env.fromSource(sources.generator({ count: 10_000, generate: generate(1) }), strategy, 'right');
  const left = leftEvents.keyBy((e) => e.k);
  const right = rightEvents.keyBy((e) => e.k);
  left.intervalJoin(right).between(-100, 200).fullOuter()
    .apply((a, b) => `${a?.id ?? '-'}:${b?.id ?? '-'}`).uid('interval').sinkTo(sinks.jsonl(join(out, 'interval')));
  left.join(right).window(TumblingEventTimeWindows.of(500)).leftOuter()
    .apply((a, b) => `${a.id}:${b?.id ?? '-'}`).uid('window').sinkTo(sinks.jsonl(join(out, 'window')));
  leftEvents.keyBy((e) => e.id % 2_000).join(rightEvents.keyBy((e) => e.id % 2_000)).regular()
    .apply((a, b) => `${a.id}:${b.id}`).uid('regular').sinkTo(sinks.jsonl(join(out, 'regular')));
}

for (const backend of ['heap', 'lmdb'] as const) {
  test(`joins resume from their latest checkpoint after a failure (${backend}): committed output equals an uninterrupted run`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-join-recovery-'));
    try {
      const opts = (dir: string, stateDir: string) => ({
        batchSize: 64, log: () => {}, checkpoints: { dir, intervalMs: 5 },
        ...(backend === 'lmdb' ? { stateBackend: LmdbStateBackend.inDirectory(stateDir, { cacheEntries: 8 }) as (ctx: StateBackendContext) => KeyedStateBackend } : {}),
      });
      const clean = join(root, 'clean');
      const env0 = StreamEnvironment.create(opts(join(clean, 'ckpt'), join(clean, 'state')));
      build(env0, clean, null);
      const r0 = await env0.execute('joins');
      assert.ok(r0.checkpoints.filter((c) => c.status === 'completed').length >= 2);
      assert.ok(r0.metrics.lateDropped > 0, 'the input has late records');

      const crashed = join(root, 'crashed');
      const env1 = StreamEnvironment.create(opts(join(crashed, 'ckpt'), join(crashed, 'state')));
      build(env1, crashed, () => committed(join(crashed, 'interval')).length > 0 && committed(join(crashed, 'window')).length > 0);
      await assert.rejects(env1.execute('joins'), /injected failure/);
      const env2 = StreamEnvironment.create(opts(join(crashed, 'ckpt'), join(crashed, 'state')));
      build(env2, crashed, null);
      await env2.execute('joins');

      for (const name of ['interval', 'window', 'regular']) {
        const a = committed(join(clean, name)).sort();
        const b = committed(join(crashed, name)).sort();
        assert.ok(a.length > 100, `${name}: some output`);
        assert.equal(b.length, a.length, `${name}: ${b.length} records after recovery, ${a.length} without`);
        assert.deepEqual(b, a, name);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
