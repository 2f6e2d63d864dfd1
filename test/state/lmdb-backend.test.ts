import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeapStateBackend, LmdbStateBackend } from 'eddy';
import { CachedTable } from '../../src/state/cached-table.ts';
import { LmdbTable } from '../../src/state/lmdb-table.ts';
import { MeteredTable } from '../../src/state/metered-table.ts';
import { TrackedTable } from '../../src/state/tracked-table.ts';
import { backendConformance } from './backend-conformance.ts';
import { contents } from './backend-model.ts';

/** A temporary directory for backends, each in a folder of its own; `cleanup` closes them and removes it. */
function scratch(name: string) {
  const root = mkdtempSync(join(tmpdir(), `eddy-lmdb-${name}-`));
  const made: LmdbStateBackend[] = [];
  let n = 0;
  const open = (path: string, cacheEntries?: number) => {
    const b = new LmdbStateBackend({ path, cacheEntries });
    made.push(b);
    return b;
  };
  const fresh = (cacheEntries?: number) => open(join(root, String(n++)), cacheEntries);
  const cleanup = () => {
    for (const b of made) b.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { root, open, fresh, cleanup, made };
}

const big = scratch('conformance');
backendConformance('lmdb', () => big.fresh(), big.cleanup);
// A cache of 3 entries: nearly every operation flushes and evicts, so every path goes through LMDB.
const tiny = scratch('conformance-tiny');
backendConformance('lmdb, 3-entry cache', () => tiny.fresh(3), tiny.cleanup);

const { root, open, fresh, cleanup, made } = scratch('test');
after(cleanup);

test('lmdb: a table is metered(change-tracked(cached(the LMDB table)))', () => {
  const t = fresh().table<number>('t');
  assert.ok(t instanceof MeteredTable);
  assert.ok(t.inner instanceof TrackedTable);
  assert.ok(t.inner.inner instanceof CachedTable);
  assert.ok(t.inner.inner.inner instanceof LmdbTable);
});

test('lmdb: state larger than the cache stays correct (50,000 keys through a 1,000-entry cache)', () => {
  const b = fresh(1_000);
  const t = b.table<{ i: number; tags: Map<string, number> }>('big');
  const model = new Map<number, { i: number; tags: Map<string, number> }>();
  const put = (i: number, v: { i: number; tags: Map<string, number> }) => {
    t.put(i, v);
    model.set(i, structuredClone(v));
  };
  for (let i = 0; i < 50_000; i++) put(i, { i, tags: new Map([['n', i]]) });
  assert.equal(t.size, 50_000);
  // Writes reach LMDB in batches: a flush per quarter of the cache, not per record.
  assert.ok(b.flushes > 100 && b.flushes <= 50_000 / 200, `${b.flushes} flushes`);
  for (let i = 0; i < 50_000; i += 3) {
    const v = t.get(i)!;
    v.tags.set('seen', 1); // read, change in place, put again
    t.put(i, v);
    model.get(i)!.tags.set('seen', 1);
  }
  for (let i = 0; i < 50_000; i += 5) {
    t.delete(i);
    model.delete(i);
  }
  assert.equal(t.size, model.size);
  for (let i = 0; i < 50_000; i += 7) assert.deepEqual(t.get(i), model.get(i), `key ${i}`);
  assert.deepEqual(new Map(t.entries()), model);
  let keys = 0;
  for (const _ of t.keys()) keys++;
  assert.equal(keys, model.size);
  assert.equal(b.stats()[0].keys, model.size);
  b.close();
});

test('lmdb: dirty entries survive eviction, and close + reopen of the same path sees them', () => {
  const path = join(root, 'reopen');
  let b = open(path, 10);
  const t = b.table<number>('counts');
  for (let round = 0; round < 3; round++) for (let i = 0; i < 100; i++) t.put(i, (t.get(i) ?? 0) + 1);
  for (let i = 0; i < 100; i += 10) t.delete(i);
  b.table<Map<string, bigint>>('maps').put('m', new Map([['big', 2n ** 100n]]));
  b.table('empty');
  const before = contents(b);
  // Keys and bytes outlive the process; the traffic counters are this session's.
  const sizes = () => b.stats().map(({ name, keys, bytes }) => ({ name, keys, bytes })).sort((x, y) => (x.name < y.name ? -1 : 1));
  b.flush();
  const stats = sizes();
  assert.equal(b.table('counts').size, 90);
  b.close();

  b = open(path, 10);
  assert.deepEqual(b.tableNames().sort(), ['counts', 'empty', 'maps']);
  assert.deepEqual(contents(b), before);
  assert.equal(b.table('counts').size, 90);
  assert.deepEqual(sizes(), stats, 'keys and bytes are kept on disk');
  const full = b.changes();
  assert.deepEqual(new Map(full.tables.find((c) => c.name === 'counts')!.puts), before.get('counts'), 'the first changes() after opening is the full state');
  b.close();
});

test('lmdb: writes stay in the cache until it is full or flush() is called; flush writes them in one transaction', () => {
  const b = fresh(1_000);
  const t = b.table<number>('t');
  for (let i = 0; i < 500; i++) t.put(i, i);
  for (let i = 0; i < 500; i++) t.put(i, t.get(i)! + 1);
  assert.equal(b.flushes, 0);
  b.flush();
  assert.equal(b.flushes, 1);
  b.flush();
  assert.equal(b.flushes, 1, 'nothing dirty, no transaction');
  t.put(1, 0);
  b.stats();
  assert.equal(b.flushes, 1, 'stats() does not flush: it is called for metrics every few seconds');
  b.close();
});

test('lmdb: one backend per directory; a closed backend and its handles refuse use', () => {
  const path = join(root, 'single');
  const b = open(path);
  const t = b.table<number>('t');
  t.put('k', 1);
  assert.throws(() => open(path), /already open in this process; give each operator its own directory/);
  b.close();
  b.close();
  assert.throws(() => b.table('t'), /is closed/);
  assert.throws(() => t.get('k'), /'t' belongs to a closed backend/);
  const again = open(path);
  assert.equal(again.table<number>('t').get('k'), 1);
  again.close();
  assert.throws(() => fresh(0), /cacheEntries must be an integer >= 1, got 0/);
});

test('lmdb: string keys up to 1977 bytes of UTF-8; a longer one is an error that names the state', () => {
  const b = fresh(2);
  const t = b.table<number>('urls');
  const longest = 'x'.repeat(1_977);
  t.put(longest, 1);
  t.put('a', 2);
  t.put('b', 3);
  assert.equal(t.get(longest), 1);
  assert.throws(() => t.put(`${longest}y`, 1), /state key 'x+…' of state 'urls' is longer than LMDB allows \(1977 bytes as UTF-8\); use a shorter key/);
  assert.equal(t.get(`${longest}y`), undefined);
  t.delete(`${longest}y`);
  assert.equal(t.size, 3);
  b.close();
});

test('lmdb: maxTables bounds the tables at once; a dropped table frees its slot', () => {
  const b = new LmdbStateBackend({ path: join(root, 'few-tables'), maxTables: 3 });
  made.push(b);
  for (let i = 0; i < 10; i++) {
    b.table<number>(`t${i}`).put(1, i);
    b.dropTable(`t${i}`);
  }
  for (let i = 0; i < 3; i++) b.table<number>(`keep${i}`).put(1, i);
  assert.throws(() => b.table('one-too-many'), /too many state tables in .* \(3\); raise the maxTables option/);
  assert.deepEqual(b.tableNames().sort(), ['keep0', 'keep1', 'keep2']);
  b.close();
});

test('lmdb: a value that cannot be stored is an error naming the state and the key', () => {
  const b = fresh(1_000);
  b.table<unknown>('odd').put('bad', { s: Symbol('not data') });
  assert.throws(() => b.flush(), /cannot store the value of key 'bad' in state 'odd': .*symbol.*; state values must be data/);
  b.table<unknown>('odd').put('bad', 'fine now');
  b.close();
});

test('lmdb: snapshots of the heap and LMDB backends are interchangeable', () => {
  const heap = new HeapStateBackend();
  heap.table<number[]>('l').put('k', [1, 2]);
  heap.table<Map<number, string>>('m').put(7n, new Map([[1, 'a']]));
  const lmdb = fresh(2);
  lmdb.restore(structuredClone(heap.snapshot()));
  assert.deepEqual(contents(lmdb), contents(heap));
  lmdb.table<number>('n').put(true, 1);
  const back = new HeapStateBackend();
  back.restore(structuredClone(lmdb.snapshot()));
  assert.deepEqual(contents(back), contents(lmdb));
  lmdb.close();
});

test('lmdb: restore replaces what the directory held, on disk too', () => {
  const path = join(root, 'replace');
  let b = open(path);
  b.table<number>('old').put('k', 1);
  b.flush();
  b.restore({ fresh: [['k', 2]] });
  b.close();
  b = open(path);
  assert.deepEqual(b.tableNames(), ['fresh']);
  assert.equal(b.table<number>('fresh').get('k'), 2);
  assert.throws(() => b.restore([1, 2]), /not a state snapshot/);
  b.close();
});

test('lmdb: copyTo copies the state as of the call while writes go on; restoreCopy and readCopy bring it back', async () => {
  const b = fresh(100);
  const t = b.table<{ n: number }>('t');
  for (let i = 0; i < 2_000; i++) t.put(i, { n: i });
  t.delete(7);
  b.table<string>('s').put('k', 'v');
  const expected = contents(b);
  const dir = join(root, 'copy-1');
  const copying = b.copyTo(dir);
  // Written during the copy (past the 100-entry cache: dirty entries wait, clean ones are evicted).
  for (let i = 0; i < 2_000; i++) t.put(i, { n: -i });
  t.put(7, { n: 7 });
  assert.throws(() => b.flush(), /while a checkpoint copy is running/);
  await copying;
  assert.equal(t.get(5)!.n, -5, 'the writes made during the copy are kept');
  b.flush();

  const back = fresh(10);
  back.table<number>('other').put('x', 1);
  await back.restoreCopy(dir);
  assert.deepEqual(contents(back), expected, 'the copy holds the state at copyTo, none of the later writes');
  assert.equal(back.table('t').size, 1_999);
  back.table<{ n: number }>('t').put(7, { n: 70 });
  back.flush();
  assert.equal(back.table<{ n: number }>('t').get(7)!.n, 70, 'the restored backend takes writes');

  const heap = new HeapStateBackend();
  heap.restore(await LmdbStateBackend.readCopy(dir, join(root, 'scratch-1')));
  assert.deepEqual(contents(heap), expected, 'another backend reads the copy');
});

test('lmdb: close() during a copy waits for it, then flushes what was written meanwhile', async () => {
  const path = join(root, 'close-during-copy');
  let b = open(path, 1_000);
  const t = b.table<number>('t');
  for (let i = 0; i < 500; i++) t.put(i, i);
  const copying = b.copyTo(join(root, 'copy-2'));
  t.put(1, 1_000);
  b.close();
  await copying;
  assert.throws(() => b.table('t'), /closed/);
  b = open(path, 1_000);
  assert.equal(b.table<number>('t').get(1), 1_000, 'the write made during the copy was flushed at the deferred close');
  b.close();
});
