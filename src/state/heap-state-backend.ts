import type { Key } from './key.ts';
import type { KeyedStateBackend, StateTable } from './state-table.ts';

/** A state table over a JavaScript Map. */
class HeapTable<V> implements StateTable<V> {
  constructor(readonly map: Map<Key, V>) {}
  get(key: Key): V | undefined {
    return this.map.get(key);
  }
  put(key: Key, value: V): void {
    this.map.set(key, value);
  }
  delete(key: Key): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
  keys(): IterableIterator<Key> {
    return this.map.keys();
  }
  entries(): IterableIterator<[Key, V]> {
    return this.map.entries();
  }
}

/**
 * Keeps keyed state in JavaScript Maps: the default backend, fastest for state that fits in memory.
 *
 * @example
 * const env = StreamEnvironment.create({ stateBackend: () => new HeapStateBackend() });
 */
export class HeapStateBackend implements KeyedStateBackend {
  private readonly tables = new Map<string, HeapTable<unknown>>();

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new HeapTable(new Map());
      this.tables.set(name, t);
    }
    return t as StateTable<V>;
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  snapshot(): unknown {
    const out: Record<string, [Key, unknown][]> = {};
    for (const [name, t] of this.tables) out[name] = [...t.map.entries()].map(([k, v]) => [k, structuredClone(v)]);
    return out;
  }

  restore(snapshot: unknown): void {
    this.tables.clear();
    for (const [name, entries] of Object.entries(snapshot as Record<string, [Key, unknown][]>)) {
      this.tables.set(name, new HeapTable(new Map(entries.map(([k, v]) => [k, structuredClone(v)]))));
    }
  }
}
