/**
 * The conformance suite every keyed state backend passes: the StateTable and KeyedStateBackend
 * contract (src/state/state-table.ts), checked through the backend alone, through the TTL
 * decorator and through the five state handles. A backend's test file calls it once per
 * configuration worth covering (an LMDB backend with a tiny cache runs every path through LMDB).
 *
 * Snapshots and change sets may reference live values (the contract), so the suite copies them
 * with structuredClone at the cut, as a checkpoint encodes them.
 *
 * @example
 * backendConformance('heap', () => new HeapStateBackend());
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Aggregates, ManualClock, type Key, type KeyedStateBackend } from 'eddy';
import { KeyContext } from '../../src/state/key-context.ts';
import { KeyedStateStore } from '../../src/state/keyed-state-store.ts';
import { contents, keyOrder, randomOps, replay } from './backend-model.ts';

/** FC_SEED=... replays a failing run; fast-check prints the seed with any failure. */
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;

/** What a checkpoint does at the cut: an independent copy. */
const cut = <T>(x: T): T => structuredClone(x);

const sorted = (keys: Iterable<Key>): Key[] => [...keys].sort(keyOrder);

/** Values a state handle may store, each to come back deep-equal (Map stays a Map). */
const VALUES: readonly unknown[] = [
  0, -1.5, 2 ** 53, 'text', '', 'é😀', null, true, [1, [2, [3]]], { a: { b: [1, { c: 'd' }] } },
  new Map<unknown, unknown>([['x', 1], [2, { y: new Map([[3n, 'z']]) }], [true, [1, 2]]]), new Map(),
  new Set([1, 'a']), 123n, -(2n ** 80n), new Date(5), { sum: 1, count: 2 }, [new Map([['k', [1]]])],
  { v: { sum: 3, count: 1 }, t: 1_000 }, { missing: undefined },
];

/** Keys that are distinct in a Map, hence in every backend. */
const KEYS: readonly Key[] = [
  1, '1', 1n, true, 'true', 0, '0', 0n, false, 'false', '', -1, 1.5, 2n ** 70n, String(2n ** 70n),
  'é😀', Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, 'a'.repeat(500),
];

/**
 * Registers the suite for one backend. `create` gives a fresh, empty backend each call; the suite
 * closes what it creates; `cleanup` runs once after the last test.
 *
 * @example
 * backendConformance('lmdb', () => new LmdbStateBackend({ path: nextDir() }), () => rmSync(root, { recursive: true }));
 */
export function backendConformance(name: string, create: () => KeyedStateBackend, cleanup?: () => void | Promise<void>): void {
  /** Runs a test body with fresh backends, closed afterwards whatever happens. */
  const using = <T>(n: number, body: (...backends: KeyedStateBackend[]) => T): T => {
    const bs = Array.from({ length: n }, create);
    try {
      return body(...bs);
    } finally {
      for (const b of bs) b.close();
    }
  };

  // What this backend has of the optional contract, to skip what it lacks with the reason.
  const probe = create();
  const canCopy = probe.copyTo !== undefined && probe.restoreCopy !== undefined;
  probe.close();

  describe(`state backend conformance: ${name}`, () => {
    if (cleanup !== undefined) after(cleanup);

    test('get, put, delete, size, keys and entries; tables are separate', () => using(1, (b) => {
      const t = b.table<number>('t');
      assert.equal(t.size, 0);
      assert.equal(t.get('a'), undefined);
      t.put('a', 1);
      t.put('b', 2);
      t.put('a', 3);
      assert.equal(t.get('a'), 3);
      assert.equal(t.size, 2);
      assert.deepEqual(sorted(t.keys()), ['a', 'b']);
      assert.deepEqual([...t.entries()].sort(([x], [y]) => keyOrder(x, y)), [['a', 3], ['b', 2]]);
      assert.equal(t.delete('a'), true, 'delete says whether the key had a value');
      assert.equal(t.delete('a'), false);
      assert.equal(t.delete('never-written'), false);
      assert.equal(t.size, 1);
      assert.equal(t.get('a'), undefined);
      assert.deepEqual(sorted(t.keys()), ['b']);
      const u = b.table<number>('u');
      u.put('b', 9);
      assert.equal(t.get('b'), 2);
      assert.equal(b.table<number>('t').get('b'), 2, 'the same name is the same table');
      assert.deepEqual(b.tableNames().sort(), ['t', 'u']);
    }));

    test('keys of different types never collide (1, "1", 1n, true ...), as in a Map', () => using(3, (b, viaSnapshot, viaChanges) => {
      const t = b.table<number>('k');
      KEYS.forEach((k, i) => t.put(k, i));
      t.put(-0, -1); // a Map treats -0 as 0
      const expected = new Map<Key, number>(KEYS.map((k, i) => [k, i]));
      expected.set(0, -1);
      const check = (backend: KeyedStateBackend, how: string) => {
        const table = backend.table<number>('k');
        assert.equal(table.size, expected.size, how);
        for (const [k, v] of expected) assert.equal(table.get(k), v, `${how}: key ${typeof k} ${String(k).slice(0, 20)}`);
        assert.deepEqual(new Map(table.entries()), expected, how);
      };
      check(b, 'live');
      viaSnapshot.restore(cut(b.snapshot()));
      check(viaSnapshot, 'restored');
      viaChanges.applyChanges(cut(b.changes()));
      check(viaChanges, 'rebuilt from changes');
    }));

    test('values come back deep-equal: nested objects, arrays, Map, Set, bigint, Date', () => using(3, (b, viaSnapshot, viaChanges) => {
      const t = b.table<unknown>('v');
      VALUES.forEach((v, i) => t.put(i, structuredClone(v)));
      // Enough other state to push the values out of any small cache.
      const filler = b.table<number[]>('filler');
      for (let i = 0; i < 200; i++) filler.put(i, [i]);
      const check = (backend: KeyedStateBackend, how: string) => {
        VALUES.forEach((v, i) => assert.deepStrictEqual(backend.table('v').get(i), v, `${how}: value ${i}`));
      };
      check(b, 'live');
      viaSnapshot.restore(cut(b.snapshot()));
      check(viaSnapshot, 'restored');
      viaChanges.applyChanges(cut(b.changes()));
      check(viaChanges, 'rebuilt from changes');
    }));

    test('a value read, changed in place and put again is seen', () => using(1, (b) => {
      const t = b.table<number[]>('l');
      t.put('k', [1]);
      const list = t.get('k')!;
      list.push(2);
      t.put('k', list);
      const other = b.table<number>('other');
      for (let i = 0; i < 200; i++) other.put(i, i);
      assert.deepEqual(t.get('k'), [1, 2]);
    }));

    test('a snapshot restores into a fresh backend, and the two are independent', () => using(3, (b, copy, used) => {
      b.table<number[]>('a').put('x', [1]);
      b.table<string>('a').put(2, 'two');
      b.table<Map<string, number>>('b').put(true, new Map([['m', 1]]));
      const snap = cut(b.snapshot());
      copy.restore(snap);
      assert.deepEqual(contents(copy), contents(b));
      const before = contents(copy);
      b.table<number[]>('a').put('x', [1, 2]);
      b.table('a').delete(2);
      b.dropTable('b');
      assert.deepEqual(contents(copy), before, 'changing the original leaves the copy alone');
      copy.table<number>('c').put('new', 1);
      assert.equal(b.tableNames().includes('c'), false, 'and the other way round');
      // restore replaces whatever a backend held
      used.table<number>('old').put('k', 1);
      used.restore(cut(snap));
      assert.deepEqual(contents(used), before);
      assert.equal(used.tableNames().includes('old'), false);
      used.restore(cut(copy.snapshot()));
      assert.deepEqual(contents(used), contents(copy));
    }));

    test('changes(): the full state first, then only what changed, then nothing', () => using(1, (b) => {
      const t = b.table<number>('t');
      t.put('a', 1);
      t.put('b', 2);
      b.table<number>('empty');
      const full = cut(b.changes());
      assert.deepEqual(full.dropped, []);
      assert.deepEqual(full.tables.map((c) => [c.name, sortEntries(c.puts), c.deletes]), [['t', [['a', 1], ['b', 2]], []]]);
      t.put('a', 10);
      t.put('c', 3);
      t.delete('b');
      t.delete('never-written');
      const delta = cut(b.changes());
      assert.deepEqual(delta.tables.map((c) => [c.name, sortEntries(c.puts), sorted(c.deletes)]), [['t', [['a', 10], ['c', 3]], ['b']]]);
      assert.deepEqual(cut(b.changes()), { tables: [], dropped: [] });
    }));

    test('changes() lists dropped tables; a table dropped and made again starts empty', () => using(2, (b, replica) => {
      b.table<number>('t1').put('k', 1);
      b.table<number>('t2').put('k', 2);
      replica.applyChanges(cut(b.changes()));
      b.dropTable('t2');
      b.dropTable('t1');
      b.table<number>('t1').put('new', 1);
      const delta = cut(b.changes());
      assert.deepEqual([...delta.dropped].sort(), ['t1', 't2']);
      assert.deepEqual(delta.tables.map((c) => [c.name, sortEntries(c.puts)]), [['t1', [['new', 1]]]]);
      replica.applyChanges(delta);
      assert.deepEqual(contents(replica), new Map([['t1', new Map([['new', 1]])]]));
    }));

    test('resetChanges() starts tracking afresh: a full snapshot plus the deltas after it rebuild the state', () => using(2, (b, rebuilt) => {
      const t = b.table<number>('t');
      t.put('a', 1);
      t.put('b', 2);
      b.resetChanges();
      const snap = cut(b.snapshot());
      t.put('a', 5);
      const d1 = cut(b.changes());
      assert.deepEqual(d1.tables.map((c) => [c.name, sortEntries(c.puts), c.deletes]), [['t', [['a', 5]], []]]);
      t.delete('b');
      b.table<number>('u').put(1, 1);
      const d2 = cut(b.changes());
      rebuilt.restore(snap);
      rebuilt.applyChanges(d1);
      rebuilt.applyChanges(d2);
      assert.deepEqual(contents(rebuilt), contents(b));
    }));

    test('random operations: the change sets, or a snapshot and the deltas after it, rebuild the live state', () => {
      fc.assert(fc.property(randomOps(), (ops) => using(3, (live, fromChanges, fromSnapshot) => {
        const { model, changeSets, snapshot } = replay(live, ops, cut);
        assert.deepEqual(contents(live), model, 'live state');
        for (const [table, entries] of model) assert.equal(live.table(table).size, entries.size, `size of ${table}`);
        for (const c of changeSets) fromChanges.applyChanges(c);
        assert.deepEqual(contents(fromChanges), model, 'full change set + deltas');
        fromSnapshot.restore(snapshot);
        for (const c of changeSets.slice(1)) fromSnapshot.applyChanges(c);
        assert.deepEqual(contents(fromSnapshot), model, 'snapshot + deltas');
      })), { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 60) });
    });

    test('dropTable removes a table and its contents; its old handle refuses use', () => using(1, (b) => {
      const t = b.table<number>('t');
      t.put('k', 1);
      b.table<number>('keep').put('k', 2);
      b.dropTable('t');
      b.dropTable('never-made');
      assert.deepEqual(b.tableNames(), ['keep']);
      assert.deepEqual(b.stats().map((s) => s.name), ['keep']);
      assert.throws(() => t.put('k', 3), /'t' was dropped/);
      assert.throws(() => t.get('other'), /'t' was dropped/);
      const again = b.table<number>('t');
      assert.equal(again.size, 0);
      assert.equal(again.get('k'), undefined);
      assert.deepEqual([...again.keys()], []);
      assert.equal(b.table<number>('keep').get('k'), 2);
    }));

    test('table names are data: __proto__, constructor, empty, punctuation', () => using(2, (b, copy) => {
      const names = ['__proto__', 'constructor', '', 'a b/c:d', 'é'];
      names.forEach((n, i) => b.table<number>(n).put('k', i));
      assert.deepEqual(b.tableNames().sort(), [...names].sort());
      copy.restore(cut(b.snapshot()));
      assert.deepEqual(contents(copy), contents(b));
      names.forEach((n, i) => assert.equal(copy.table<number>(n).get('k'), i, `table '${n}'`));
    }));

    test('a table where more than half the keys changed gives up tracking: prefersFull, and the next delta replaces it', () => using(2, (b, replica) => {
      const t = b.table<number>('t');
      for (let i = 0; i < 3000; i++) t.put(i, i);
      b.table<number>('quiet').put('q', 1);
      replica.restore(cut(b.snapshot()));
      b.resetChanges();
      t.put(0, 100);
      t.delete(1);
      assert.equal(b.prefersFull?.() ?? false, false, 'two changed keys of 3000: a delta is worth it');
      for (let i = 2; i < 2000; i++) t.put(i, i * 10);
      t.delete(2999);
      assert.equal(b.prefersFull?.() ?? true, true, 'two thirds of the keys changed');
      const delta = cut(b.changes());
      assert.ok(delta.dropped.includes('t'), 'the table is replaced as a whole');
      assert.ok(!delta.dropped.includes('quiet'), 'other tables are not');
      replica.applyChanges(delta);
      assert.deepEqual(contents(replica), contents(b), 'the delta rebuilt the state, deletes included');
      assert.equal(b.prefersFull?.() ?? false, false, 'tracking starts afresh after changes()');
      t.put(5, 5);
      replica.applyChanges(cut(b.changes()));
      assert.deepEqual(contents(replica), contents(b));
    }));

    test('stats: keys and bytes per table', () => using(1, (b) => {
      const big = b.table<string>('big');
      for (let i = 0; i < 100; i++) big.put(`key-${i}`, 'x'.repeat(20));
      const small = b.table<string>('small');
      for (let i = 0; i < 10; i++) small.put(`key-${i}`, 'x'.repeat(20));
      b.table('empty');
      const byName = () => new Map(b.stats().map((s) => [s.name, s]));
      let s = byName();
      assert.deepEqual([...s.keys()].sort(), ['big', 'empty', 'small']);
      assert.deepEqual([s.get('big')!.keys, s.get('small')!.keys, s.get('empty')!.keys], [100, 10, 0]);
      assert.ok(s.get('big')!.bytes >= 100 * 20, `big: ${s.get('big')!.bytes} bytes`);
      assert.ok(s.get('big')!.bytes > s.get('small')!.bytes && s.get('small')!.bytes > 0);
      assert.equal(s.get('empty')!.bytes, 0);
      const before = s.get('big')!.bytes;
      for (let i = 0; i < 50; i++) big.delete(`key-${i}`);
      s = byName();
      assert.equal(s.get('big')!.keys, 50);
      assert.ok(s.get('big')!.bytes < before, 'deletes shrink the bytes');
    }));

    test('entries() stays usable while the table is written under it (the TTL sweep does so)', () => using(1, (b) => {
      const t = b.table<number>('t');
      for (let i = 0; i < 300; i++) t.put(i, i);
      const it = t.entries();
      const seen: Key[] = [];
      const deleted = new Set<Key>();
      for (let step = 0; ; step++) {
        const r = it.next();
        if (r.done === true) break;
        const [k, v] = r.value;
        seen.push(k);
        assert.equal(v, t.get(k), 'the value is the current one');
        if (step % 3 === 0) t.put(`new-${step}`, -step);
        if (step % 5 === 0 && !seen.includes(299 - step)) {
          t.delete(299 - step);
          deleted.add(299 - step);
        }
        if (step % 7 === 0) t.put(k, (v as number) + 1_000); // overwrite the one just seen
      }
      assert.equal(new Set(seen).size, seen.length, 'no key twice');
      for (let i = 0; i < 300; i++) {
        if (!deleted.has(i) && !seen.includes(i)) assert.fail(`key ${i} existed throughout but was not visited`);
        if (deleted.has(i) && seen.includes(i)) assert.fail(`key ${i} was visited after it was deleted`);
      }
    }));

    test('TTL over the backend: expired values are never returned, and unseen keys are swept', () => using(1, (b) => {
      const { key, s, clock } = store(b);
      const v = s.getState<number>('v', { ttl: { ttlMs: 1_000 } });
      key.current = 'a';
      v.update(1);
      clock.advance(999);
      assert.equal(v.value(), 1);
      clock.advance(1);
      assert.equal(v.value(), undefined, 'expired at exactly ttl');
      for (let i = 0; i < 100; i++) {
        key.current = `old-${i}`;
        v.update(i);
      }
      clock.advance(5_000);
      for (let i = 0; i < 200; i++) {
        key.current = `new-${i}`;
        v.update(i);
      }
      const old = [...b.table('v').keys()].filter((k) => String(k).startsWith('old-'));
      assert.equal(old.length, 0, `stale keys left: ${old.length}`);
    }));

    test('TTL over the backend, read-and-write: reading extends the life of a value', () => using(1, (b) => {
      const { key, s, clock } = store(b);
      const v = s.getState<number>('v', { ttl: { ttlMs: 1_000, updateOn: 'read-and-write' } });
      const other = b.table<number>('other');
      key.current = 'a';
      v.update(1);
      for (let i = 0; i < 5; i++) {
        clock.advance(900);
        assert.equal(v.value(), 1, `read ${i}`);
        for (let j = 0; j < 20; j++) other.put(j, j); // out of any small cache: the read time must have been put back
      }
      clock.advance(1_000);
      assert.equal(v.value(), undefined);
    }));

    test('stats count the reads, writes and deletes of each table (the metered layer every backend has)', () => using(1, (b) => {
      const t = b.table<number>('t');
      t.put('a', 1);
      t.put('b', 2);
      t.get('a');
      t.delete('b');
      const s = b.stats().find((x) => x.name === 't')!;
      assert.deepEqual([s.reads, s.writes, s.deletes, s.keys], [1, 2, 1, 1]);
    }));

    test('copyTo while writes go on: the copy holds the state as of the call, restoreCopy brings it back, deltas after it apply', {
      skip: canCopy ? false : `${name} has no copyTo: its full checkpoints are snapshot()s`,
    }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eddy-conformance-copy-'));
      const [b, back] = [create(), create()];
      try {
        const t = b.table<number[]>('t');
        for (let i = 0; i < 300; i++) t.put(i, [i]);
        b.table<number>('gone').put('k', 1);
        const expected = contents(b);
        const copying = b.copyTo!(join(dir, 'copy'));
        for (let i = 0; i < 300; i += 2) t.put(i, [-i - 1]); // not -0: LMDB stores it as 0
        t.delete(1);
        b.dropTable('gone');
        await copying;
        const delta = cut(b.changes());
        back.table<number>('other').put('x', 1);
        await back.restoreCopy!(join(dir, 'copy'));
        assert.deepEqual(contents(back), expected, 'the copy holds the state at copyTo, none of the later writes');
        back.applyChanges(delta);
        assert.deepEqual(contents(back), contents(b), 'copy + the delta after it rebuild the state');
      } finally {
        b.close();
        back.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the five state handles over the backend, per key, and through a snapshot', () => using(2, (b, copy) => {
      const write = store(b);
      const h = handles(write.s);
      const { key } = write;
      key.current = 'k1';
      h.v.update(1); h.l.add('x'); h.l.addAll(['y', 'z']); h.m.put('p', 1); h.m.put('q', 2); h.r.add(2); h.r.add(3); h.a.add(2); h.a.add(4);
      key.current = 'k2';
      assert.equal(h.v.value(), undefined);
      assert.deepEqual(h.l.get(), []);
      assert.equal(h.m.isEmpty(), true);
      h.v.update(9);
      key.current = 'k1';
      assert.equal(h.v.value(), 1);
      assert.deepEqual(h.l.get(), ['x', 'y', 'z']);
      assert.deepEqual(new Map(h.m.entries()), new Map([['p', 1], ['q', 2]]));
      assert.equal(h.r.get(), 5);
      assert.equal(h.a.get(), 3);

      copy.restore(cut(b.snapshot()));
      const read = store(copy);
      const hc = handles(read.s);
      read.key.current = 'k1';
      assert.equal(hc.v.value(), 1);
      assert.deepEqual(hc.l.get(), ['x', 'y', 'z']);
      assert.equal(hc.m.get('q'), 2);
      assert.equal(hc.r.get(), 5);
      assert.equal(hc.a.get(), 3);
      hc.a.add(6);
      assert.equal(hc.a.get(), 4);
      read.key.current = 'k2';
      assert.equal(hc.v.value(), 9);

      key.current = 'k1';
      h.m.remove('p'); h.m.remove('q');
      assert.equal(h.m.isEmpty(), true);
      h.l.update(['only']);
      assert.deepEqual(h.l.get(), ['only']);
      h.v.clear(); h.l.clear(); h.r.clear(); h.a.clear();
      assert.equal(h.v.value(), undefined);
      assert.deepEqual(h.l.get(), []);
      assert.equal(h.r.get(), undefined);
      assert.equal(h.a.get(), undefined);
      for (const name of ['v', 'l', 'm', 'r', 'a']) assert.equal(b.table(name).get('k1'), undefined, `${name} is empty for k1`);
    }));
  });
}

function store(backend: KeyedStateBackend) {
  const key = new KeyContext();
  const clock = new ManualClock(0);
  return { key, clock, s: new KeyedStateStore(backend, key, clock) };
}

function handles(s: KeyedStateStore) {
  return {
    v: s.getState<number>('v'),
    l: s.getListState<string>('l'),
    m: s.getMapState<string, number>('m'),
    r: s.getReducingState<number>('r', (a, b) => a + b),
    a: s.getAggregatingState('a', Aggregates.avg((x: number) => x)),
  };
}

function sortEntries(entries: Iterable<readonly [Key, unknown]>): [Key, unknown][] {
  return [...entries].map(([k, v]): [Key, unknown] => [k, v]).sort(([x], [y]) => keyOrder(x, y));
}
