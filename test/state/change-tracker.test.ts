// The change-tracking layer on its own, over the heap's store: what a delta holds. A tracker that
// misses a delete, records a no-op, keeps a change past its cut, scans the table to build a delta,
// or never gives up on a table that changed whole fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from 'eddy';
import { ChangeTracker } from '../../src/state/change-tracker.ts';
import { HeapStore } from '../../src/state/heap-store.ts';
import type { TrackedTable } from '../../src/state/tracked-table.ts';
import type { StateChanges } from '../../src/state/state-checkpointing.ts';
import { contents } from './backend-model.ts';

const tracker = (maxTracked = Infinity) => {
  const store = new HeapStore();
  return { store, b: new ChangeTracker(store, maxTracked) };
};

/** A delta as sorted data: { table: [puts, deletes] }. */
function shape(c: StateChanges): Record<string, [[Key, unknown][], Key[]]> {
  const out: Record<string, [[Key, unknown][], Key[]]> = {};
  for (const t of c.tables) out[t.name] = [[...t.puts].map(([k, v]): [Key, unknown] => [k, v]).sort(), [...t.deletes].sort()];
  return out;
}

test('change tracking: a delete is in the next delta, and a replica built from the deltas loses the key too', () => {
  const { b } = tracker();
  const replica = tracker().b;
  const t = b.table<number>('t');
  t.put('a', 1);
  t.put('b', 2);
  replica.applyChanges(structuredClone(b.changes()));
  t.delete('a');
  const delta = structuredClone(b.changes());
  assert.deepEqual(shape(delta), { t: [[], ['a']] });
  replica.applyChanges(delta);
  assert.deepEqual(contents(replica), new Map([['t', new Map([['b', 2]])]]));
});

test('change tracking: the last write of a key in an interval wins, a delete then a put is a put, a put then a delete is a delete', () => {
  const { b } = tracker();
  const t = b.table<number>('t');
  t.put('gone', 0);
  t.put('back', 0);
  b.resetChanges();
  t.put('x', 1);
  t.put('x', 2);
  t.delete('back');
  t.put('back', 3);
  t.put('new-then-gone', 4);
  t.delete('new-then-gone');
  t.delete('gone');
  assert.deepEqual(shape(b.changes()), { t: [[['back', 3], ['x', 2]], ['gone', 'new-then-gone']] });
});

test('change tracking: a delete of a key without a value is no change', () => {
  const { b } = tracker();
  const t = b.table<number>('t');
  t.put('a', 1);
  b.resetChanges();
  assert.equal(t.delete('never-written'), false);
  assert.equal(t.delete('a'), true);
  assert.equal(t.delete('a'), false);
  assert.deepEqual(shape(b.changes()), { t: [[], ['a']] });
});

test('change tracking: a delta holds only what changed since the last cut; tables not written are not in it', () => {
  const { b } = tracker();
  b.table<number>('quiet').put(1, 1);
  const t = b.table<number>('t');
  for (let i = 0; i < 10; i++) t.put(i, i);
  assert.equal(b.changes().tables.length, 2, 'the first delta is the whole state');
  t.put(3, 30);
  assert.deepEqual(shape(b.changes()), { t: [[[3, 30]], []] });
  assert.deepEqual(b.changes(), { tables: [], dropped: [] }, 'nothing since');
});

test('change tracking: a delta reads the changed keys, not the table', () => {
  const { store, b } = tracker();
  const t = b.table<number[]>('t');
  for (let i = 0; i < 100; i++) t.put(i, [i]);
  b.resetChanges();
  const list = t.get(7)!;
  list.push(2);
  t.put(7, list);
  t.put('new', [3]);
  const raw = store.table<number[]>('t');
  let reads = 0;
  const get = raw.get.bind(raw);
  raw.get = (k) => {
    reads++;
    return get(k);
  };
  assert.deepEqual(shape(structuredClone(b.changes())), { t: [[[7, [7, 2]], ['new', [3]]], []] });
  assert.equal(reads, 2, 'one read per changed key');
});

test('change tracking: dropped tables are listed; a table made again carries all its keys', () => {
  const { b } = tracker();
  b.table<number>('t').put('old', 1);
  b.resetChanges();
  b.dropTable('t');
  b.dropTable('never-made');
  b.table<number>('t').put('new', 2);
  const delta = b.changes();
  assert.deepEqual(delta.dropped, ['t']);
  assert.deepEqual(shape(delta), { t: [[['new', 2]], []] });
});

test('change tracking: past maxTracked changed keys a table gives up; the next delta replaces it whole, then tracking starts again', () => {
  const { b } = tracker(10);
  const t = b.table<number>('t');
  for (let i = 0; i < 5_000; i++) t.put(i, i);
  b.resetChanges();
  for (let i = 0; i < 1_000; i++) t.put(i, -i);
  assert.equal(b.prefersFull(), false, '1000 changed keys: still tracked (a table tracks 1024 at least)');
  for (let i = 1_000; i < 1_100; i++) t.put(i, -i);
  assert.equal(b.prefersFull(), true, 'past 1024 and past maxTracked: given up');
  const delta = b.changes();
  assert.deepEqual(delta.dropped, ['t']);
  assert.equal([...delta.tables[0].puts].length, 5_000, 'the whole table');
  assert.equal(b.prefersFull(), false);
  t.put(0, 0);
  assert.deepEqual(shape(b.changes()), { t: [[[0, 0]], []] });
});

test('change tracking: before the first changes() nothing is recorded (a job without checkpoints pays nothing)', () => {
  const { b } = tracker();
  const t = b.table<number>('t') as TrackedTable<number>;
  t.put('a', 1);
  assert.equal(t.written, null);
  assert.equal(b.prefersFull(), true, 'nothing tracked yet: a delta would be the whole state');
  b.resetChanges();
  t.put('a', 2);
  assert.deepEqual([...t.written!], ['a']);
});
