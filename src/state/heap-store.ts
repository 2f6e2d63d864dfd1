import type { Key } from '../functions/key.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { StateTable } from './state-table.ts';
import type { TableStats } from './state-storage.ts';

/**
 * A state table over a JavaScript Map, and nothing else: change tracking and counting wrap it.
 *
 * @example
 * const t = new HeapTable(new Map(), 'count'); t.put('k', 1);
 */
export class HeapTable<V> implements StateTable<V> {
  /** Why the handle is no longer usable (dropped, replaced by restore, closed): its writes would vanish. */
  private gone: string | null = null;
  constructor(readonly map: Map<Key, V>, readonly name: string) {}
  get(key: Key): V | undefined {
    if (this.gone !== null) this.fail();
    return this.map.get(key);
  }
  put(key: Key, value: V): void {
    if (this.gone !== null) this.fail();
    this.map.set(key, value);
  }
  delete(key: Key): boolean {
    if (this.gone !== null) this.fail();
    return this.map.delete(key);
  }
  retire(why: string): void {
    this.gone = why;
  }
  private fail(): never {
    throw new Error(`state table '${this.name}' ${this.gone}; get a new handle with backend.table('${this.name}')`);
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
 * Keyed state in JavaScript Maps, one per table: the store under `HeapStateBackend`.
 *
 * @example
 * const store = new HeapStore(); store.table<number>('count').put('k', 1);
 */
export class HeapStore implements SnapshotStore {
  private readonly tables = new Map<string, HeapTable<unknown>>();

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new HeapTable(new Map(), name);
      this.tables.set(name, t);
    }
    return t as StateTable<V>;
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  dropTable(name: string): void {
    const t = this.tables.get(name);
    if (t === undefined) return;
    t.retire('was dropped');
    this.tables.delete(name);
  }

  /**
   * Each table's live Map, no copy: msgpackr encodes a Map about five times faster than the same
   * entries as [key, value] pairs, and copying 1 million entries into pairs alone costs more.
   */
  snapshot(): unknown {
    // No prototype: a table may be called '__proto__'.
    const out: Record<string, Map<Key, unknown>> = Object.create(null);
    for (const [name, t] of this.tables) out[name] = t.map;
    return out;
  }

  /** Takes a snapshot of this store or of any other (tables as Maps, or as [key, value] arrays). */
  restore(snapshot: unknown): void {
    this.retireAll('was replaced by restore()');
    for (const [name, entries] of Object.entries(snapshot as Record<string, Map<Key, unknown> | [Key, unknown][]>)) {
      this.tables.set(name, new HeapTable(entries instanceof Map ? entries : new Map(entries), name));
    }
  }

  contents(name: string): ReadonlyMap<Key, unknown> {
    return this.tables.get(name)?.map ?? new Map();
  }

  stats(): TableStats[] {
    return [...this.tables].map(([name, t]) => ({ name, keys: t.map.size, bytes: estimateBytes(t.map) }));
  }

  close(): void {
    this.retireAll('belongs to a closed backend');
  }

  private retireAll(why: string): void {
    for (const t of this.tables.values()) t.retire(why);
    this.tables.clear();
  }
}

/** Rough size of a table: a sample of entries as JSON, scaled up (heap sizes are not observable per object). */
function estimateBytes(map: Map<Key, unknown>): number {
  if (map.size === 0) return 0;
  let sampled = 0;
  let bytes = 0;
  for (const [k, v] of map) {
    bytes += String(k).length + (JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x] : typeof x === 'bigint' ? String(x) : x))?.length ?? 0);
    if (++sampled >= 64) break;
  }
  return Math.round((bytes / sampled) * map.size);
}
