// Type-level tests for tables and broadcast state: `tsc --noEmit` fails if a line marked with an
// expect-error directive compiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BroadcastStateDescriptor, type DataStream, StreamEnvironment, type Table, WatermarkStrategy } from 'eddy';

interface Order { id: number; sku: string; qty: number }
interface Product { sku: string; name: string; price: number; deleted?: boolean }

test('the key and row types flow through tables and joins', () => {
  const env = StreamEnvironment.create();
  const orders = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks());
  const products = env.fromCollection<Product>([], WatermarkStrategy.noWatermarks());
  const bySku: Table<string, Product> = products.toTable((p) => p.sku);
  const prices: Table<string, number> = products.toTable((p) => p.sku, (p) => (p.deleted ? null : p.price));
  const priced: DataStream<{ id: number; total: number }> = orders.temporalJoin(prices, (o) => o.sku).inner((o, price) => ({ id: o.id, total: o.qty * price }));
  const named: DataStream<string> = orders.lookupJoin(bySku, (o) => o.sku).left((o, p) => p?.name ?? `unknown ${o.sku}`);

  // @ts-expect-error: the table is keyed by string, the order key here is a number
  orders.temporalJoin(prices, (o) => o.id);
  // @ts-expect-error: in a left join the row may be null
  orders.temporalJoin(bySku, (o) => o.sku).left((_o, p) => p.price);
  // @ts-expect-error: the row type is Product, which has no 'colour'
  orders.temporalJoin(bySku, (o) => o.sku).inner((_o, p) => p.colour);
  // @ts-expect-error: keys must be primitives
  products.toTable((p) => ({ sku: p.sku }));

  const limits = new BroadcastStateDescriptor<string, number>('limits');
  orders.keyBy((o) => o.sku).connect(products.broadcast()).process<number>({
    processElement(o, ctx, out) {
      const key: string = ctx.getCurrentKey();
      out.collect((ctx.getBroadcastState(limits).get(key) ?? 0) * o.qty);
    },
    processBroadcastElement(p, ctx) {
      ctx.getBroadcastState(limits).put(p.sku, p.price);
      // @ts-expect-error: broadcast state values are numbers here
      ctx.getBroadcastState(limits).put(p.sku, p.name);
    },
  });
  void priced; void named;
  assert.ok(true);
});

test('a table from another environment is refused', () => {
  const a = StreamEnvironment.create();
  const b = StreamEnvironment.create();
  const table = a.fromCollection<Product>([]).toTable((p) => p.sku);
  assert.throws(() => b.fromCollection<Order>([]).temporalJoin(table, (o) => o.sku), /temporalJoin: the table was built in another StreamEnvironment/);
});
