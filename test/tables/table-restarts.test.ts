// The temporal join and broadcast state under real checkpoints: a job that fails once restarts
// from its latest checkpoint (heap and LMDB state) and writes exactly the output of a clean run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BroadcastStateDescriptor, LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sinks, sources,
  type KeyedStateBackend, type StateBackendContext,
} from 'eddy';

interface Order { n: number; sku: string; ts: number }
interface PriceChange { m: number; sku: string; ts: number }
const ORDERS = 20_000;
const SKUS = 7;

const committed = (path: string): unknown[] => (existsSync(path)
  ? readdirSync(path).filter((n) => !n.startsWith('.')).sort().flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
  : []);

const backends: Record<string, (dir: string) => ((ctx: StateBackendContext) => KeyedStateBackend) | undefined> = {
  heap: () => undefined,
  lmdb: (dir) => LmdbStateBackend.inDirectory(join(dir, 'state')),
};

for (const [name, backend] of Object.entries(backends)) {
  test(`temporal join and broadcast state restart from a checkpoint exactly once (${name})`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-tables-restart-'));
    const fail = { done: false };
    const env = StreamEnvironment.create({
      batchSize: 50, log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 },
      restartStrategy: { kind: 'fixed-delay', delayMs: 1, maxAttempts: 2 }, stateBackend: backend(root),
    });
    // Price change m is for sku m % 7 at time 100 m; order n is for sku n % 7 at time 10 n.
    const prices = env.fromSource(
      sources.generator<PriceChange>({ count: ORDERS / 10, generate: (m) => ({ m, sku: `s${m % SKUS}`, ts: 100 * m }) }),
      WatermarkStrategy.forMonotonousTimestamps<PriceChange>().withTimestampAssigner((p) => p.ts), 'prices',
    );
    const orders = env.fromSource(
      sources.generator<Order>({ count: ORDERS, generate: (n) => ({ n, sku: `s${n % SKUS}`, ts: 10 * n }) }),
      WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((o) => o.ts), 'orders',
    );
    const RULE = new BroadcastStateDescriptor<string, number>('rule');
    orders
      .temporalJoin(prices.toTable((p) => p.sku), (o) => o.sku).left((o, p) => ({ n: o.n, m: p?.m ?? null }))
      .uid('join')
      .map((r) => {
        if (r.n === 15_000 && !fail.done) {
          fail.done = true;
          throw new Error('boom at 15000');
        }
        return r;
      })
      .keyBy((r) => r.n % 3)
      .connect(env.fromSource(sources.generator<{ m: number }>({ count: 1, generate: (m) => ({ m }) }), WatermarkStrategy.noWatermarks(), 'rules').broadcast())
      .process<{ n: number; m: number | null; seen: boolean }>({
        processElement(r, ctx, out) {
          out.collect({ ...r, seen: ctx.getBroadcastState(RULE).get('m') !== undefined });
        },
        processBroadcastElement(p, ctx) {
          ctx.getBroadcastState(RULE).put('m', p.m);
        },
      })
      .uid('broadcast')
      .sinkTo(sinks.jsonl(join(root, 'out')));
    const result = await env.execute('tables-restart');
    assert.equal(result.restarts, 1);
    assert.ok(result.checkpoints.length > 0);

    const out = committed(join(root, 'out')) as { n: number; m: number | null; seen: boolean }[];
    assert.equal(out.length, ORDERS);
    out.sort((a, b) => a.n - b.n);
    for (const o of out) {
      // The latest m with m % 7 === n % 7 and 100 m <= 10 n.
      let m = Math.floor(o.n / 10);
      while (m >= 0 && m % SKUS !== o.n % SKUS) m--;
      assert.deepEqual({ n: o.n, m: o.m }, { n: o.n, m: m >= 0 ? m : null }, `order ${o.n}`);
    }
    assert.ok(out.filter((o) => o.n > 10_000).every((o) => o.seen), 'the broadcast state was restored with the rest');
  });
}
