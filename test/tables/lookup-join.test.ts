// The lookup join: each record joins the table's latest row at the moment it arrives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { StreamEnvironment, WatermarkStrategy, sinks } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import type { Order, PriceChange } from './temporal-harness.ts';

function lookupJob(mode: 'inner' | 'left', restoreFrom?: ReturnType<StreamTestDriver['snapshot']>) {
  const env = StreamEnvironment.create();
  const orders = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks(), 'orders');
  const table = env.fromCollection<PriceChange>([], WatermarkStrategy.noWatermarks(), 'prices').toTable((c) => c.sku, (c) => c.price);
  const join = orders.lookupJoin(table, (o) => o.sku);
  const joined = mode === 'inner' ? join.inner((o, price) => `${o.id}:${price}`) : join.left((o, price) => `${o.id}:${price ?? '-'}`);
  joined.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env, { restoreFrom });
  return { driver, out: driver.output(joined), orders: driver.input<Order>('orders'), prices: driver.input<PriceChange>('prices') };
}

test('a record joins the latest row when it arrives, whatever the timestamps, without waiting', () => {
  const { orders, prices, out } = lookupJob('left');
  orders.push({ id: 1, sku: 'a' }, 5);
  prices.push({ sku: 'a', price: 3 }, 100);
  orders.push({ id: 2, sku: 'a' }, 5);
  prices.push({ sku: 'a', price: null }, 1);
  orders.push({ id: 3, sku: 'a' });
  assert.deepEqual(out.values, ['1:-', '2:3', '3:-']);
});

test('inner drops records without a row; the latest rows survive a checkpoint', () => {
  const first = lookupJob('inner');
  first.prices.push({ sku: 'a', price: 3 }).push({ sku: 'b', price: 4 }).push({ sku: 'a', price: 5 });
  first.orders.push({ id: 1, sku: 'c' }).push({ id: 2, sku: 'a' });
  assert.deepEqual(first.out.values, ['2:5']);
  const second = lookupJob('inner', first.driver.snapshot());
  second.orders.push({ id: 3, sku: 'b' }).push({ id: 4, sku: 'a' });
  assert.deepEqual(second.out.values, ['3:4', '4:5']);
});

test('explain shows the table joins and the broadcast edge', () => {
  const env = StreamEnvironment.create();
  const orders = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks(), 'orders');
  const table = env.fromCollection<PriceChange>([], WatermarkStrategy.noWatermarks(), 'prices').toTable((c) => c.sku);
  orders.temporalJoin(table, (o) => o.sku).inner((o) => o).name('priced').sinkTo(sinks.collect());
  orders.lookupJoin(table, (o) => o.sku).left((o) => o).name('looked-up').sinkTo(sinks.collect());
  orders.keyBy((o) => o.sku).connect(table.changelog().broadcast()).process({ processElement() {}, processBroadcastElement() {} }).name('rules').sinkTo(sinks.collect());
  const text = env.explain();
  assert.match(text, /chain \d <- #0, #1 \(hash by key\)\n {2}#2 temporal-join 'priced': inner join of #0 with the table from #1, row valid at each record's event time/);
  assert.match(text, /#4 lookup-join 'looked-up': left join of #0 with the latest rows of the table from #1/);
  assert.match(text, /\(hash by key, broadcast\)\n {2}#8 broadcast-process 'rules': keyed #6 with broadcast state from #7/);
});

test('on random interleavings the lookup join equals a map of the latest rows (and survives checkpoints)', () => {
  type Step = { kind: 'order'; sku: string } | { kind: 'price'; sku: string; price: number | null } | { kind: 'checkpoint' };
  const step = fc.oneof(
    fc.record({ kind: fc.constant('order' as const), sku: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ kind: fc.constant('price' as const), sku: fc.constantFrom('a', 'b', 'c'), price: fc.option(fc.integer({ min: 1, max: 9 }), { freq: 4 }) }),
    fc.record({ kind: fc.constant('checkpoint' as const) }),
  );
  fc.assert(fc.property(fc.array(step, { maxLength: 40 }), fc.constantFrom('inner' as const, 'left' as const), (steps: Step[], mode) => {
    const latest = new Map<string, number>();
    const expected: string[] = [];
    const actual: string[] = [];
    let job = lookupJob(mode);
    let id = 0;
    for (const s of steps) {
      if (s.kind === 'checkpoint') {
        actual.push(...job.out.take());
        job = lookupJob(mode, job.driver.snapshot());
      } else if (s.kind === 'price') {
        if (s.price === null) latest.delete(s.sku);
        else latest.set(s.sku, s.price);
        job.prices.push({ sku: s.sku, price: s.price });
      } else {
        id++;
        const p = latest.get(s.sku);
        if (p !== undefined) expected.push(`${id}:${p}`);
        else if (mode === 'left') expected.push(`${id}:-`);
        job.orders.push({ id, sku: s.sku });
      }
    }
    actual.push(...job.out.take());
    assert.deepEqual(actual, expected);
  }), { numRuns: Number(process.env.FC_RUNS ?? 200) });
});
