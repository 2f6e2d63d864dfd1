import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, WatermarkStrategy, postgresLookup, sinks } from 'eddy';
import { ManualClock, StreamTestDriver } from 'eddy/testing';
import { databaseUrl, testPool, uniqueName } from './pg-test-db.ts';

interface Order { id: number; sku: number }

const pool = testPool();
let products: string;
before(async () => {
  databaseUrl();
  products = uniqueName('products');
  await pool.query(`CREATE TABLE ${products} (sku bigint PRIMARY KEY, name text, price numeric(10,2))`);
  await pool.query(`INSERT INTO ${products} SELECT g, 'p' || g, g * 1.5 FROM generate_series(1, 20) g`);
});
after(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${products}`);
  await pool.end();
});

test('cache: hits, misses, TTL expiry on the injected clock, LRU eviction, one query per key in flight', async () => {
  const clock = new ManualClock(0);
  const lookup = postgresLookup({
    url: databaseUrl(), query: `SELECT name, price FROM ${products} WHERE sku = $1`, key: (o: Order) => o.sku,
    cache: { maxEntries: 3, ttlMs: 1_000 }, clock,
  });
  try {
    assert.deepEqual(await lookup({ id: 1, sku: 2 }), { name: 'p2', price: '3.00' });
    assert.deepEqual(await lookup({ id: 2, sku: 2 }), { name: 'p2', price: '3.00' });
    assert.equal(await lookup({ id: 3, sku: 99 }), null, 'no row: null (and cached)');
    await lookup({ id: 4, sku: 99 });
    assert.deepEqual({ ...lookup.stats }, { hits: 2, misses: 2, expired: 0, evictions: 0, queries: 2 });
    clock.advance(1_000); // both entries have lived their TTL
    await lookup({ id: 5, sku: 2 });
    assert.deepEqual({ ...lookup.stats }, { hits: 2, misses: 3, expired: 1, evictions: 0, queries: 3 });
    // LRU: 2 (fresh), 99 (expired, still held), then 3, 4: size 4 > 3 evicts the least recently used.
    await lookup({ id: 6, sku: 3 });
    await lookup({ id: 7, sku: 4 });
    assert.equal(lookup.stats.evictions, 1);
    await lookup({ id: 8, sku: 2 });
    assert.equal(lookup.stats.hits, 3, 'sku 2 was used recently and stayed');
    // Concurrent misses for one key share one query.
    const before = lookup.stats.queries;
    const rows = await Promise.all([5, 5, 5, 6].map((sku, id) => lookup({ id, sku })));
    assert.equal(lookup.stats.queries - before, 2);
    assert.deepEqual(rows.map((r) => r?.name), ['p5', 'p5', 'p5', 'p6']);
  } finally {
    await lookup.close();
  }
});

test('batched misses: keys asked in the same turn go out as one = ANY($1) query', async () => {
  const lookup = postgresLookup({
    url: databaseUrl(), query: `SELECT * FROM ${products} WHERE sku = $1`, key: (o: Order) => o.sku,
    batch: { query: `SELECT * FROM ${products} WHERE sku = ANY($1)`, keyColumn: 'sku', maxKeys: 4 },
    join: (o, p) => ({ ...o, name: (p?.name as string | undefined) ?? null }),
  });
  try {
    const out = await Promise.all([1, 2, 3, 4, 5, 6, 50].map((sku, id) => lookup({ id, sku })));
    assert.deepEqual(out.map((o) => o.name), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', null]);
    assert.equal(lookup.stats.queries, 2, '7 keys, at most 4 per query');
  } finally {
    await lookup.close();
  }
});

test('parameterized only: a query without $1 is refused; a key with SQL in it is just a value', async () => {
  assert.throws(() => postgresLookup({ url: databaseUrl(), query: `SELECT * FROM ${products} WHERE sku = 1`, key: () => 1 }), /must use the key as the bind parameter \$1/);
  const lookup = postgresLookup({ url: databaseUrl(), query: `SELECT * FROM ${products} WHERE name = $1`, key: (s: string) => s });
  try {
    assert.equal(await lookup("p1' OR '1'='1"), null);
    assert.equal((await lookup('p7'))?.sku, '7');
  } finally {
    await lookup.close();
  }
});

test('enriches a stream through asyncMap, in the test driver and in a real run', async () => {
  const build = (lookupClock?: ManualClock) => {
    const lookup = postgresLookup({
      url: databaseUrl(), query: `SELECT name FROM ${products} WHERE sku = $1`, key: (o: Order) => o.sku,
      join: (o, p) => `${o.id}:${(p?.name as string | undefined) ?? '?'}`, ...(lookupClock ? { clock: lookupClock } : {}),
    });
    const env = StreamEnvironment.create({ batchSize: 8 });
    const out = sinks.collect<string>();
    const enriched = env.fromCollection(Array.from({ length: 100 }, (_, i) => ({ id: i, sku: (i % 25) + 1 })), WatermarkStrategy.noWatermarks<Order>(), 'orders')
      .asyncMap(lookup, { capacity: 8, timeoutMs: 10_000 });
    enriched.sinkTo(out);
    return { env, out, enriched, lookup };
  };
  const expected = Array.from({ length: 100 }, (_, i) => `${i}:${(i % 25) + 1 > 20 ? '?' : `p${(i % 25) + 1}`}`);
  const real = build();
  await real.env.execute('enrich');
  assert.deepEqual(real.out.values, expected);
  assert.equal(real.lookup.stats.misses, 25);
  await real.lookup.close();

  const t = build();
  const driver = StreamTestDriver.create(t.env);
  const out = driver.output(t.enriched);
  driver.input<Order>('orders').pushAll(Array.from({ length: 100 }, (_, i) => ({ id: i, sku: (i % 25) + 1 })));
  await driver.settleAll();
  assert.deepEqual(out.values, expected);
  await t.lookup.close();
});
