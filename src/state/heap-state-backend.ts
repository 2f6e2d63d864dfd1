import type { Key } from './key.ts';
import type { KeyedStateBackend, StateChanges, StateTable, TableStats } from './state-table.ts';

/** A state table over a JavaScript Map; remembers changed keys once tracking is on. */
class HeapTable<V> implements StateTable<V> {
  /** Keys written or deleted since the last `changes()`; null while nobody asked for changes. */
  dirty: Set<Key> | null = null;
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
    if (this.dirty !== null) this.dirty.add(key);
  }
  delete(key: Key): void {
    if (this.gone !== null) this.fail();
    if (this.map.delete(key) && this.dirty !== null) this.dirty.add(key);
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
 * Keeps keyed state in JavaScript Maps: the default backend, fastest for state that fits in memory.
 * Change tracking for incremental checkpoints starts with the first `changes()` call, so a job
 * without checkpoints pays nothing for it.
 *
 * @example
 * const env = StreamEnvironment.create({ stateBackend: () => new HeapStateBackend() });
 */
export class HeapStateBackend implements KeyedStateBackend {
  private readonly tables = new Map<string, HeapTable<unknown>>();
  private tracking = false;
  private dropped: string[] = [];

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new HeapTable(new Map(), name);
      if (this.tracking) t.dirty = new Set();
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
    if (this.tracking) this.dropped.push(name);
  }

  snapshot(): unknown {
    // No prototype: a table may be called '__proto__'.
    const out: Record<string, [Key, unknown][]> = Object.create(null);
    for (const [name, t] of this.tables) out[name] = [...t.map.entries()];
    return out;
  }

  restore(snapshot: unknown): void {
    this.retireAll('was replaced by restore()');
    for (const [name, entries] of Object.entries(snapshot as Record<string, [Key, unknown][]>)) {
      this.tables.set(name, new HeapTable(new Map(entries), name));
    }
    this.startTracking();
  }

  changes(): StateChanges {
    const tables: { name: string; puts: [Key, unknown][]; deletes: Key[] }[] = [];
    for (const [name, t] of this.tables) {
      const puts: [Key, unknown][] = [];
      const deletes: Key[] = [];
      const keys = t.dirty ?? t.map.keys();
      for (const k of keys) {
        if (t.map.has(k)) puts.push([k, t.map.get(k)]);
        else deletes.push(k);
      }
      if (puts.length > 0 || deletes.length > 0) tables.push({ name, puts, deletes });
    }
    const dropped = this.dropped;
    this.startTracking();
    return { tables, dropped };
  }

  resetChanges(): void {
    this.startTracking();
  }

  applyChanges(changes: StateChanges): void {
    for (const name of changes.dropped) this.dropTable(name);
    for (const c of changes.tables) {
      const t = this.table<unknown>(c.name) as HeapTable<unknown>;
      for (const [k, v] of c.puts) t.map.set(k, v);
      for (const k of c.deletes) t.map.delete(k);
    }
    this.startTracking();
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

  private startTracking(): void {
    this.tracking = true;
    this.dropped = [];
    for (const t of this.tables.values()) t.dirty = new Set();
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
