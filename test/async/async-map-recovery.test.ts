import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';

interface Ev { id: number; k: string; ts: number }

/** Committed output: visible part files in name (checkpoint) order. */
function committed(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path).filter((n) => !n.startsWith('.')).sort().flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n').filter(Boolean));
}

function build(env: StreamEnvironment, out: string, ordered: boolean, failAt: { after: number; when: () => boolean } | null) {
  let seen = 0;
  const enriched = env.fromSource(
    sources.generator({ count: 40_000, generate: (i): Ev => ({ id: i, k: `k${i % 7}`, ts: i * 10 - (i % 5) * 30 }) }),
    WatermarkStrategy.forBoundedOutOfOrderness<Ev>(200).withTimestampAssigner((e) => e.ts), 'events',
  ).asyncMap(async (e) => {
    // Answers after 0-2 event-loop turns: completions out of order, many held at every checkpoint.
    for (let t = 0; t < e.id % 3; t++) await nextTurn();
    return { ...e, v: e.id % 11 };
  }, { capacity: 50, ordered }).uid('enrich')
    .map((e) => {
      if (failAt !== null && ++seen >= failAt.after && seen % 250 === 0 && failAt.when()) throw new Error('injected failure');
      return e;
    });
  enriched.keyBy((e) => e.k).window(TumblingEventTimeWindows.of(1_000)).sum((e) => e.v).uid('sums').sinkTo(sinks.jsonl(join(out, 'sums')));
  if (ordered) enriched.map((e) => e.id).sinkTo(sinks.jsonl(join(out, 'ids')));
}

for (const ordered of [true, false]) {
  test(`runner restart with asyncMap requests in flight (${ordered ? 'ordered' : 'unordered'}): committed output equals an uninterrupted run`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-async-recovery-'));
    try {
      const opts = (dir: string) => ({ batchSize: 32, log: () => {}, checkpoints: { dir, intervalMs: 1 } });
      const clean = join(root, 'clean');
      const env0 = StreamEnvironment.create(opts(join(clean, 'ckpt')));
      build(env0, clean, ordered, null);
      const r0 = await env0.execute('job');
      assert.ok(r0.checkpoints.filter((c) => c.status === 'completed').length >= 2);

      const crashed = join(root, 'crashed');
      const env1 = StreamEnvironment.create(opts(join(crashed, 'ckpt')));
      build(env1, crashed, ordered, { after: 5_000, when: () => committed(join(crashed, 'sums')).length > 0 });
      await assert.rejects(env1.execute('job'), /injected failure/);
      assert.ok(committed(join(crashed, 'sums')).length > 0, 'something was committed before the failure');
      const env2 = StreamEnvironment.create(opts(join(crashed, 'ckpt')));
      build(env2, crashed, ordered, null);
      await env2.execute('job');

      assert.deepEqual(committed(join(crashed, 'sums')).sort(), committed(join(clean, 'sums')).sort());
      if (ordered) {
        const ids = committed(join(crashed, 'ids')).map(Number);
        assert.deepEqual(ids, Array.from({ length: 40_000 }, (_, i) => i), 'every record once, in input order');
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
