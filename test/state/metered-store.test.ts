// The metered layer on its own: it counts what operators do with each table and adds the counts to
// stats(), next to what the layers below measure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapStateBackend } from 'eddy';
import { ChangeTracker } from '../../src/state/change-tracker.ts';
import { HeapStore } from '../../src/state/heap-store.ts';
import { MeteredStore } from '../../src/state/metered-store.ts';

const metered = () => new MeteredStore(new ChangeTracker(new HeapStore(), Infinity));

test('metered: reads, writes and deletes are counted per table, next to keys and bytes', () => {
  const b = metered();
  const t = b.table<number>('t');
  const u = b.table<number>('u');
  t.put('a', 1);
  t.put('a', 2);
  t.get('a');
  t.get('missing');
  t.get('a');
  t.delete('a');
  u.put('x', 1);
  const s = new Map(b.stats().map((x) => [x.name, x]));
  assert.deepEqual(
    { reads: s.get('t')!.reads, writes: s.get('t')!.writes, deletes: s.get('t')!.deletes, keys: s.get('t')!.keys },
    { reads: 3, writes: 2, deletes: 1, keys: 0 },
  );
  assert.deepEqual([s.get('u')!.reads, s.get('u')!.writes, s.get('u')!.keys], [0, 1, 1]);
  assert.ok(s.get('u')!.bytes > 0, 'the store still measures bytes');
});

test('metered: a table dropped and made again counts from zero; a restored backend too', () => {
  const b = metered();
  b.table<number>('t').put('a', 1);
  b.dropTable('t');
  b.table<number>('t').get('a');
  assert.deepEqual(b.stats().map((x) => [x.name, x.reads, x.writes]), [['t', 1, 0]]);
  b.restore({ t: [['a', 1]] });
  assert.deepEqual(b.stats().map((x) => [x.name, x.reads, x.writes, x.keys]), [['t', 0, 0, 1]]);
});

test('metered: the state backends count through it (what the dashboard reads)', () => {
  const b = new HeapStateBackend();
  b.table<number>('t').put('k', 1);
  b.table<number>('t').get('k');
  assert.deepEqual(b.stats().map((x) => [x.name, x.reads, x.writes]), [['t', 1, 1]]);
});
