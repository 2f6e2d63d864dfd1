import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapStateBackend, ManualClock, Aggregates } from 'eddy';
import { KeyContext } from '../../src/state/key-context.ts';
import { KeyedStateStore } from '../../src/state/keyed-state-store.ts';

function store(clock = new ManualClock(0)) {
  const key = new KeyContext();
  const backend = new HeapStateBackend();
  return { key, backend, clock, s: new KeyedStateStore(backend, key, clock) };
}

test('value, list, map, reducing and aggregating state are per key', () => {
  const { key, s } = store();
  const v = s.getState<number>('v');
  const l = s.getListState<string>('l');
  const m = s.getMapState<string, number>('m');
  const r = s.getReducingState<number>('r', (a, b) => a + b);
  const a = s.getAggregatingState('a', Aggregates.avg((x: number) => x));
  key.current = 'k1';
  v.update(1); l.add('x'); l.addAll(['y', 'z']); m.put('p', 1); r.add(2); r.add(3); a.add(2); a.add(4);
  key.current = 'k2';
  assert.equal(v.value(), undefined);
  assert.deepEqual(l.get(), []);
  assert.equal(m.isEmpty(), true);
  v.update(9);
  key.current = 'k1';
  assert.equal(v.value(), 1);
  assert.deepEqual(l.get(), ['x', 'y', 'z']);
  assert.deepEqual([...m.entries()], [['p', 1]]);
  assert.equal(m.contains('p'), true);
  m.remove('p');
  assert.equal(m.isEmpty(), true);
  assert.equal(r.get(), 5);
  assert.equal(a.get(), 3);
  l.update(['only']);
  assert.deepEqual(l.get(), ['only']);
  v.clear(); l.clear(); r.clear(); a.clear();
  assert.equal(v.value(), undefined);
  assert.equal(r.get(), undefined);
  assert.equal(a.get(), undefined);
  key.current = 'k2';
  assert.equal(v.value(), 9);
});

test('declaring the same state twice in one operator is an error that names it', () => {
  const { s } = store();
  s.getState('count');
  assert.throws(() => s.getListState('count'), /state 'count' is declared twice/);
});

test('TTL read-and-write: reading extends the life of a value', () => {
  const { key, s, clock } = store();
  const v = s.getState<number>('v', { ttl: { ttlMs: 1_000, updateOn: 'read-and-write' } });
  key.current = 'a';
  v.update(1);
  for (let i = 0; i < 5; i++) {
    clock.advance(900);
    assert.equal(v.value(), 1);
  }
  clock.advance(1_000);
  assert.equal(v.value(), undefined);
});

test('a heap backend snapshot restores into a fresh backend, independent of the original', () => {
  const { key, s, backend } = store();
  const l = s.getListState<number>('l');
  key.current = 7;
  l.add(1);
  const snap = structuredClone(backend.snapshot()); // copied at the cut, as a checkpoint encodes it
  l.add(2);
  const copy = new HeapStateBackend();
  copy.restore(snap);
  assert.deepEqual(copy.table('l').get(7), [1]);
});
