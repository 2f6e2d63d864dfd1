// A table from a keyed Kafka topic (what a compacted topic holds: the latest value per key, null
// values as tombstones) joined by event time with an orders topic, against the real broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, createTopic, uniqueName } from '../kafka/kafka-test-env.ts';

interface Product { readonly name: string; readonly price: number }
interface ProductChange { readonly sku: string; readonly row: Product | null; readonly ts: number }
interface Order { readonly id: number; readonly sku: string; readonly ts: number }

test('a keyed topic with tombstones feeds a table; orders join the row valid at their time', { timeout: 60_000 }, async () => {
  const catalogTopic = uniqueName('catalog');
  const ordersTopic = uniqueName('orders');
  await createTopic(catalogTopic, 1);
  await createTopic(ordersTopic, 1);
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 2 });
  try {
    // The record timestamp is the version's time; a null value (tombstone) deletes the key.
    const change = (sku: string, row: Product | null, ts: number) => p.produce(catalogTopic, 0, row === null ? null : Buffer.from(JSON.stringify(row)), sku, ts, undefined);
    change('k1', { name: 'kettle', price: 30 }, 1_000);
    change('t1', { name: 'teapot', price: 20 }, 1_000);
    change('k1', { name: 'kettle', price: 25 }, 5_000);
    change('t1', null, 6_000);
    const orders: Order[] = [{ id: 1, sku: 'k1', ts: 2_000 }, { id: 2, sku: 't1', ts: 3_000 }, { id: 3, sku: 'k1', ts: 5_000 }, { id: 4, sku: 't1', ts: 7_000 }, { id: 5, sku: 'k1', ts: 9_000 }];
    for (const o of orders) p.produce(ordersTopic, 0, Buffer.from(JSON.stringify(o)), null, o.ts, undefined);
    await p.flush();
  } finally {
    await p.close();
  }

  const env = StreamEnvironment.create({ log: () => {} });
  const catalog = env.fromSource(
    sources.kafka<ProductChange, string, Product | null>({
      brokers: brokers(), topics: [catalogTopic], groupId: uniqueName('g'), stopAtEnd: true,
      value: (b) => (b === null ? null : JSON.parse(b.toString('utf8')) as Product),
      record: (r) => ({ sku: r.key, row: r.value, ts: r.timestamp }),
    }),
    WatermarkStrategy.forMonotonousTimestamps<ProductChange>().withTimestampAssigner((c) => c.ts), 'catalog',
  ).toTable((c) => c.sku, (c) => c.row);
  const orders = env.fromSource(
    sources.kafka<Order>({ brokers: brokers(), topics: [ordersTopic], groupId: uniqueName('g'), stopAtEnd: true }),
    WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((o) => o.ts), 'orders',
  );
  const out = sinks.collect<string>();
  orders.temporalJoin(catalog, (o) => o.sku).left((o, p) => `${o.id}:${p === null ? 'none' : `${p.name}@${p.price}`}`).sinkTo(out);
  const result = await env.execute('kafka-table');
  assert.equal(result.status, 'finished');
  assert.deepEqual(out.values, ['1:kettle@30', '2:teapot@20', '3:kettle@25', '4:none', '5:kettle@25']);
});
