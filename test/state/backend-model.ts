/**
 * The model behind the conformance suite's property test: random operations on a backend (puts,
 * deletes, in-place changes, dropped tables, cuts where a change set is taken), replayed on the
 * backend and on plain Maps side by side.
 *
 * @example
 * fc.assert(fc.property(randomOps(), (ops) => { const { model } = replay(backend, ops, structuredClone); ... }));
 */
import fc from 'fast-check';
import type { Key, KeyedStateBackend } from 'eddy';
import type { StateChanges } from '../../src/state/state-checkpointing.ts';
import type { StateStorage } from '../../src/state/state-storage.ts';

/** One step of a random run. @example const op: Op = { op: 'put', table: 'a', key: 1n, value: [1] }; */
export type Op =
  | { readonly op: 'put'; readonly table: string; readonly key: Key; readonly value: unknown }
  | { readonly op: 'delete'; readonly table: string; readonly key: Key }
  | { readonly op: 'append'; readonly table: string; readonly key: Key }
  | { readonly op: 'drop'; readonly table: string }
  | { readonly op: 'cut' };

/**
 * Table name -> key -> value; tables without keys left out (a backend may keep them or not).
 *
 * @example
 * const c: Contents = new Map([['count', new Map([['k', 1]])]]);
 */
export type Contents = Map<string, Map<Key, unknown>>;

/**
 * Random operations over three tables and a few keys of every key type, so that keys collide,
 * are overwritten and come back after deletes and drops.
 *
 * @example
 * fc.sample(randomOps(), 1);
 */
export function randomOps(): fc.Arbitrary<Op[]> {
  const table = fc.constantFrom('a', 'b', 'c');
  const key = fc.oneof(
    fc.integer({ min: 0, max: 5 }),
    fc.constantFrom<Key>('0', '1', 'k', ''),
    fc.constantFrom<Key>(0n, 1n, 2n ** 65n),
    fc.boolean(),
  );
  const value = fc.oneof(
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.record({ n: fc.integer(), s: fc.string({ maxLength: 3 }) }),
    fc.bigInt(),
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), fc.integer()), { maxLength: 3 }).map((es) => new Map(es)),
  );
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('put' as const), table, key, value }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), table, key }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('append' as const), table, key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), table }) },
    { weight: 2, arbitrary: fc.constant({ op: 'cut' as const }) },
  );
  return fc.array(op, { maxLength: 80 });
}

/**
 * Plays the operations on a backend and on Maps. At every cut, and once at the end, takes
 * `changes()`; right before the first of them, a snapshot. Both are copied with `copy` at once.
 *
 * @example
 * const { model, changeSets, snapshot } = replay(backend, ops, structuredClone);
 */
export function replay(
  backend: KeyedStateBackend,
  ops: readonly Op[],
  copy: <T>(x: T) => T,
): { model: Contents; changeSets: StateChanges[]; snapshot: unknown } {
  const model: Contents = new Map();
  const changeSets: StateChanges[] = [];
  let snapshot: unknown;
  const take = () => {
    if (changeSets.length === 0) snapshot = copy(backend.snapshot());
    changeSets.push(copy(backend.changes()));
  };
  const tableOf = (name: string) => {
    let t = model.get(name);
    if (t === undefined) model.set(name, (t = new Map()));
    return t;
  };
  for (const o of ops) {
    switch (o.op) {
      case 'put':
        backend.table(o.table).put(o.key, copy(o.value));
        tableOf(o.table).set(o.key, copy(o.value));
        break;
      case 'delete':
        backend.table(o.table).delete(o.key);
        tableOf(o.table).delete(o.key);
        break;
      case 'append': {
        // The contract for in-place changes: read, change, put again.
        const t = backend.table<unknown>(o.table);
        const current = t.get(o.key);
        if (Array.isArray(current)) {
          current.push(7);
          t.put(o.key, current);
          (tableOf(o.table).get(o.key) as number[]).push(7);
        }
        break;
      }
      case 'drop':
        backend.dropTable(o.table);
        model.delete(o.table);
        break;
      case 'cut':
        take();
    }
  }
  take();
  for (const [name, t] of model) if (t.size === 0) model.delete(name);
  return { model, changeSets, snapshot };
}

/**
 * Everything a backend holds, as Maps (compared by deepEqual whatever the iteration order).
 *
 * @example
 * assert.deepEqual(contents(restored), contents(original));
 */
export function contents(backend: StateStorage): Contents {
  const out: Contents = new Map();
  for (const name of backend.tableNames()) {
    const entries = new Map(backend.table(name).entries());
    if (entries.size > 0) out.set(name, entries);
  }
  return out;
}

/**
 * A total order over keys of mixed types, for stable assertions.
 *
 * @example
 * [...table.keys()].sort(keyOrder);
 */
export function keyOrder(a: Key, b: Key): number {
  const x = `${typeof a}:${String(a)}`;
  const y = `${typeof b}:${String(b)}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
