import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HeapStateBackend, LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sources, type EnvironmentOptions, type KeyedProcessFunction, type ValueState,
} from 'eddy';
import { countingSink, eventually } from './web-job.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-query-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Rec { readonly id: number; readonly sum: bigint }

/** Keys are numbers 0..9; each key keeps its count and a bigint total in two tables, updated together. */
function job(options: EnvironmentOptions) {
  const env = StreamEnvironment.create({ log: () => {}, ...options });
  type Fn = KeyedProcessFunction<number, Rec, never> & { count: ValueState<number>; total: ValueState<bigint> };
  const fn: Fn = {
    count: undefined as never,
    total: undefined as never,
    open(ctx) {
      this.count = ctx.getState<number>('count');
      this.total = ctx.getState<bigint>('total');
    },
    processElement(r) {
      this.count.update((this.count.value() ?? 0) + 1);
      this.total.update((this.total.value() ?? 0n) + r.sum);
    },
  };
  const s = env.fromSource(sources.generator({ ratePerSecond: 5_000, generate: (i): Rec => ({ id: i % 10, sum: 2n }) }), WatermarkStrategy.noWatermarks<Rec>(), 'recs');
  s.keyBy((r) => r.id).process(fn).uid('totals').sinkTo(countingSink());
  s.map((r) => r.id).name('ids').sinkTo(countingSink());
  return env.executeAsync('query');
}

for (const [name, backend] of [
  ['heap', () => new HeapStateBackend()],
  ['lmdb', LmdbStateBackend.inDirectory(join(root, 'lmdb'))],
] as const) {
  test(`queryable state on the ${name} backend: number keys, bigint values, tables read together`, { timeout: 60_000 }, async () => {
    const running = job({ stateBackend: backend });
    try {
      await eventually('key 7 has state', async () => (await running.queryState('totals', '7')).values.length === 2);
      for (let i = 0; i < 20; i++) {
        const r = await running.queryState('totals', '7');
        const count = r.values.find((v) => v.table === 'count')!;
        const total = r.values.find((v) => v.table === 'total')!;
        assert.equal(count.key, 7, 'the text "7" found the number key');
        assert.equal(total.value, BigInt(count.value as number) * 2n, 'both tables as of the same round');
      }
      assert.deepEqual((await running.queryState('totals', '70')).values, []);
      await assert.rejects(running.queryState('nope', '7'), /no operator 'nope' in job 'query'; operators with keyed state: 'totals'/);
      await assert.rejects(running.queryState('ids', '7'), /operator 'ids' \(map\) has no keyed state/);
    } finally {
      running.cancel();
      await running.result;
    }
  });
}
