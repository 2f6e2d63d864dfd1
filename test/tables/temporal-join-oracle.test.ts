// The temporal join against the brute-force oracle on random out-of-order input: orders and price
// changes interleaved, watermarks moving on each input separately, deletes, late orders, and
// checkpoint round trips at random points. Also checks that state stays pruned as time passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LmdbStateBackend, StreamEnvironment } from 'eddy';
import type { DriverSnapshot } from 'eddy/testing';
import { type Op, type Priced, type Step, oracle, temporalJob } from './temporal-harness.ts';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const RUNS = Number(process.env.FC_RUNS ?? 200);

const SKUS = ['a', 'b', 'c'];

/** Random steps; price changes come after their own input's watermark (on time on their side). */
const opsArb = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ sku: fc.constantFrom(...SKUS), ts: fc.integer({ min: 0, max: 60 }) }).map((r) => ({ op: 'order' as const, ...r })) },
    { weight: 4, arbitrary: fc.record({ sku: fc.constantFrom(...SKUS), ahead: fc.integer({ min: 1, max: 30 }), price: fc.option(fc.integer({ min: 1, max: 99 }), { freq: 5 }) }).map((r) => ({ op: 'price' as const, ...r })) },
    { weight: 3, arbitrary: fc.record({ input: fc.constantFrom('orders' as const, 'prices' as const), by: fc.integer({ min: 1, max: 15 }) }).map((r) => ({ op: 'wm' as const, ...r })) },
    { weight: 1, arbitrary: fc.constant({ op: 'checkpoint' as const }) },
  ),
  { maxLength: 60 },
).map((raw) => {
  // Turn relative times into absolute ones against the running watermarks.
  const wms = { orders: 0, prices: 0 };
  let id = 1;
  const ops: Op[] = raw.map((r): Op => {
    if (r.op === 'order') return { op: 'order', id: id++, sku: r.sku, ts: r.ts };
    if (r.op === 'price') return { op: 'price', sku: r.sku, price: r.price, ts: wms.prices + r.ahead };
    if (r.op === 'wm') return { op: 'wm', input: r.input, to: (wms[r.input] += r.by) };
    return r;
  });
  ops.push({ op: 'end' });
  return ops;
});

const byTimeThenId = (a: [number, Priced], b: [number, Priced]) => a[0] - b[0] || a[1].id - b[1].id;

function run(mode: 'inner' | 'left', ops: readonly Op[], env: () => StreamEnvironment | undefined = () => undefined): Step[] {
  let job = temporalJob(mode, undefined, env());
  const steps: Step[] = [];
  for (const o of ops) {
    if (o.op === 'checkpoint') {
      const snap: DriverSnapshot = job.driver.snapshot();
      job = temporalJob(mode, snap, env());
    } else if (o.op === 'order') job.orders.push({ id: o.id, sku: o.sku }, o.ts);
    else if (o.op === 'price') job.prices.push({ sku: o.sku, price: o.price }, o.ts);
    else if (o.op === 'wm') (o.input === 'orders' ? job.orders : job.prices).advanceWatermark(o.to);
    else job.driver.endInput();
    const times = job.out.timestamps.slice();
    const values = job.out.take();
    const out = values.map((v, i): [number, Priced] => [times[i], v]);
    for (let i = 1; i < out.length; i++) assert.ok(out[i - 1][0] <= out[i][0], 'one step emits in timestamp order');
    steps.push({ out: out.sort(byTimeThenId), late: job.late.take().map((l) => l.id) });
    if (o.op !== 'end') checkPruned(job);
  }
  return steps;
}

/** No version at or before the watermark but the latest, no delete there, no order waiting there. */
function checkPruned(job: ReturnType<typeof temporalJob>): void {
  const backend = job.backend();
  const wm = job.driver.metrics().operators.find((op) => op.name === 'priced')!.watermark;
  for (const [, versions] of backend.table<[number, unknown][]>('versions').entries()) {
    const settled = versions.filter(([t]) => t <= wm);
    assert.ok(settled.length <= 1, `at most one settled version per key at watermark ${wm}: ${JSON.stringify(versions)}`);
    assert.ok(settled.every(([, row]) => row !== null), 'a settled delete is forgotten');
  }
  for (const [, waiting] of backend.table<[number, unknown][]>('pending').entries()) {
    assert.ok(waiting.every(([t]) => t > wm), 'no order waits at or behind the watermark');
  }
}

for (const mode of ['inner', 'left'] as const) {
  test(`temporal ${mode} join equals the oracle on random out-of-order input with checkpoints (seed ${SEED})`, () => {
    fc.assert(fc.property(opsArb, (ops) => {
      const steps = oracle(mode, ops).map((s) => ({ out: [...s.out].sort(byTimeThenId), late: s.late }));
      assert.deepEqual(run(mode, ops), steps);
    }), { seed: SEED, numRuns: RUNS });
  });
}

test(`with LMDB state (a 2-entry cache, so values are written out and read back) the join equals the oracle (seed ${SEED})`, () => {
  const root = mkdtempSync(join(tmpdir(), 'temporal-oracle-lmdb-'));
  let n = 0;
  const lmdb = () => StreamEnvironment.create({ batchSize: 4, stateBackend: () => new LmdbStateBackend({ path: join(root, String(n++)), cacheEntries: 2 }) });
  try {
    fc.assert(fc.property(opsArb, fc.constantFrom('inner' as const, 'left' as const), (ops, mode) => {
      const steps = oracle(mode, ops).map((s) => ({ out: [...s.out].sort(byTimeThenId), late: s.late }));
      assert.deepEqual(run(mode, ops, lmdb), steps);
    }), { seed: SEED, numRuns: Math.ceil(RUNS / 5) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('after the end every order is out and only the live rows remain', () => {
  const job = temporalJob('left');
  job.prices.push({ sku: 'a', price: 1 }, 1).push({ sku: 'a', price: 2 }, 5).push({ sku: 'b', price: 7 }, 3).push({ sku: 'b', price: null }, 4);
  job.orders.push({ id: 1, sku: 'a' }, 4).push({ id: 2, sku: 'b' }, 3).push({ id: 3, sku: 'b' }, 9);
  job.driver.advanceWatermark(100);
  assert.deepEqual(job.out.values, [{ id: 2, sku: 'b', price: 7 }, { id: 1, sku: 'a', price: 1 }, { id: 3, sku: 'b', price: null }]);
  assert.deepEqual([...job.backend().table('versions').entries()], [['a', [[5, { price: 2 }]]]]);
  assert.equal(job.backend().table('pending').size, 0);
});
