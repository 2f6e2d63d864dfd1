// The write-back cache in front of the LMDB store, tested on its own: what it writes to the store,
// when, and what it keeps in memory. Each test reads the store behind it (or the directory after a
// reopen), so a cache that never writes back, drops a delete, evicts a dirty entry or never evicts
// at all fails here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CachedTable } from '../../src/state/cached-table.ts';
import type { LmdbTable } from '../../src/state/lmdb-table.ts';
import { LmdbStore } from '../../src/state/lmdb-store.ts';
import { WriteBackCache } from '../../src/state/write-back-cache.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-write-back-'));
const open: { close(): void }[] = [];
after(() => {
  for (const o of open) o.close();
  rmSync(root, { recursive: true, force: true });
});
let n = 0;
function cacheOver(capacity: number, path = join(root, String(n++))) {
  const store = new LmdbStore({ path });
  const cache = new WriteBackCache(store, capacity);
  open.push(cache);
  return { store, cache, path };
}

test('write-back cache: writes stay in memory until a flush, which writes them all to the store in one transaction', () => {
  const { store, cache } = cacheOver(1_000);
  const t = cache.table<number>('t');
  for (let i = 0; i < 500; i++) t.put(i, i);
  const raw = store.table<number>('t');
  assert.equal(raw.get(7), undefined, 'not in LMDB before the flush');
  assert.equal(cache.flushes, 0);
  cache.flush(false);
  assert.equal(cache.flushes, 1, 'one transaction');
  assert.equal(raw.size, 500);
  for (let i = 0; i < 500; i += 50) assert.equal(raw.get(i), i, `key ${i} reached LMDB`);
  cache.flush(false);
  assert.equal(cache.flushes, 1, 'nothing dirty: no transaction');
});

test('write-back cache: a delete reaches the store, and so does the put after it', () => {
  const { store, cache } = cacheOver(100);
  const t = cache.table<string>('t');
  t.put('gone', 'x');
  t.put('back', 'y');
  cache.flush(false);
  assert.equal(t.delete('gone'), true);
  assert.equal(t.delete('gone'), false, 'already deleted');
  assert.equal(t.delete('never'), false, 'never written');
  t.delete('back');
  t.put('back', 'z');
  cache.flush(false);
  const raw = store.table<string>('t');
  assert.equal(raw.get('gone'), undefined, 'the delete was written');
  assert.equal(raw.get('back'), 'z');
  assert.equal(raw.size, 1);
});

test('write-back cache: past its capacity it flushes and evicts; memory stays bounded and no write is lost', () => {
  const capacity = 10;
  const { cache, path } = cacheOver(capacity);
  const t = cache.table<{ i: number }>('t');
  const u = cache.table<number>('u');
  const inMemory = () => (t as CachedTable<unknown>).cache.size + (u as CachedTable<unknown>).cache.size;
  let most = 0;
  for (let i = 0; i < 1_000; i++) {
    t.put(i, { i });
    if (i % 3 === 0) u.put(i, (u.get(i - 3) ?? 0) + 1);
    most = Math.max(most, inMemory());
  }
  assert.ok(most <= capacity + 1, `at most ${capacity} entries (and the one being added) in memory, saw ${most}`);
  assert.ok(cache.flushes >= 1_000 / capacity && cache.flushes <= 1_400 / (capacity / 4), `a flush per quarter of the cache: ${cache.flushes}`);
  cache.close();
  const reopened = new LmdbStore({ path });
  open.push(reopened);
  const rt = reopened.table<{ i: number }>('t');
  assert.equal(rt.size, 1_000);
  for (let i = 0; i < 1_000; i++) assert.deepEqual(rt.get(i), { i }, `key ${i}`);
  assert.equal(reopened.table<number>('u').get(999), 334);
});

test('write-back cache: a hit costs no read of the store; a miss reads it once, and a put after it reads nothing more', () => {
  const { store, cache } = cacheOver(100);
  const raw = store.table<number>('t') as LmdbTable<number>;
  let loads = 0;
  const load = raw.load.bind(raw);
  raw.load = (key, withValue, into) => {
    loads++;
    load(key, withValue, into);
  };
  const t = cache.table<number>('t');
  assert.equal(t.get('k'), undefined);
  assert.equal(loads, 1, 'a miss reads the store');
  t.put('k', 1);
  assert.equal(loads, 1, 'the cache remembered that the key was absent');
  for (let i = 0; i < 10; i++) assert.equal(t.get('k'), 1);
  assert.equal(loads, 1, 'hits are answered from memory');
  const s = cache.stats().find((x) => x.name === 't')!;
  assert.deepEqual([s.cacheHits, s.cacheMisses, s.keys], [10, 1, 1]);
});

test('write-back cache: close flushes what is dirty; a reopened store sees it', () => {
  const { cache, path } = cacheOver(1_000);
  cache.table<string>('t').put('k', 'v');
  cache.table<string>('t').put('drop-me', 'v');
  cache.table<string>('t').delete('drop-me');
  cache.close();
  const reopened = new LmdbStore({ path });
  open.push(reopened);
  assert.equal(reopened.table<string>('t').get('k'), 'v');
  assert.equal(reopened.table<string>('t').size, 1);
});

test('write-back cache: stats count unflushed writes in keys and (estimated) bytes', () => {
  const { cache } = cacheOver(1_000);
  const t = cache.table<string>('t');
  for (let i = 0; i < 100; i++) t.put(i, 'x'.repeat(50));
  const before = cache.stats()[0];
  assert.equal(before.keys, 100);
  assert.ok(before.bytes >= 100 * 50, `bytes before the flush: ${before.bytes}`);
  cache.flush(false);
  const flushed = cache.stats()[0];
  assert.equal(flushed.keys, 100);
  assert.ok(Math.abs(flushed.bytes - before.bytes) <= before.bytes * 0.1, `estimate ${before.bytes}, stored ${flushed.bytes}`);
});

test('write-back cache: during a checkpoint copy nothing is flushed and nothing dirty is evicted; reads see every write', async () => {
  const { store, cache } = cacheOver(10);
  const t = cache.table<number>('t');
  for (let i = 0; i < 100; i++) t.put(i, i);
  const copying = cache.copyTo(join(root, `copy-${n++}`));
  for (let i = 0; i < 100; i++) t.put(i, -i - 1);
  for (let i = 0; i < 100; i++) assert.equal(t.get(i), -i - 1, `key ${i} during the copy`);
  assert.equal(store.table<number>('t').get(5), 5, 'LMDB holds the state as of copyTo until the copy ends');
  assert.throws(() => cache.flush(false), /while a checkpoint copy is running/);
  await copying;
  cache.flush(false);
  assert.equal(store.table<number>('t').get(5), -6, 'the writes made during the copy reach LMDB after it');
});

test('write-back cache: peek (what a delta reads) neither fills the cache nor counts a read', () => {
  const { cache } = cacheOver(1_000);
  const t = cache.table<number>('t') as CachedTable<number>;
  t.put('k', 1);
  cache.flush(false);
  t.evict(10);
  t.evict(10); // two turns of the hand: the first clears the reference bit
  assert.equal(t.cache.size, 0);
  assert.equal(t.peek('k'), 1);
  assert.equal(t.peek('missing'), undefined);
  assert.equal(t.cache.size, 0, 'nothing cached by peeking');
  assert.deepEqual([t.hits, t.misses], [0, 0]);
  t.put('k', 2);
  assert.equal(t.peek('k'), 2, 'a dirty value is the current one');
});
