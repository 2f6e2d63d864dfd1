import type { Key } from '../functions/key.ts';
import type { KeyedStateBackend } from './keyed-state-backend.ts';
import type { StateChanges } from './state-checkpointing.ts';
import type { TableStats } from './state-storage.ts';
import type { StateTable } from './state-table.ts';

/** Fewest changed keys that can make a table give up tracking (see `HeapTable.overflowed`). */
const MIN_TRACKED = 1024;

/** A state table over a JavaScript Map; remembers changed keys once tracking is on. */
class HeapTable<V> implements StateTable<V> {
  /** Keys written or deleted since the last `changes()`; null while nobody asked for changes. */
  dirty: Set<Key> | null = null;
  /**
   * Tracking gave up: more than half the keys changed, so a delta would be as large as the table
   * and each write would pay a Set insertion for nothing. The next changes() replaces the table.
   */
  overflowed = false;
  /** Dirty keys above which `put` checks whether to give up tracking. */
  private dirtyLimit = MIN_TRACKED;
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
    const d = this.dirty;
    if (d !== null && d.add(key).size > this.dirtyLimit) this.grown();
  }
  delete(key: Key): boolean {
    if (this.gone !== null) this.fail();
    if (!this.map.delete(key)) return false;
    const d = this.dirty;
    if (d !== null && d.add(key).size > this.dirtyLimit) this.grown();
    return true;
  }
  /** Starts tracking changes afresh. */
  track(): void {
    this.dirty = new Set();
    this.overflowed = false;
    this.dirtyLimit = Math.max(MIN_TRACKED, this.map.size >> 1);
  }
  /** The dirty set passed its limit: give up if it holds more than half the keys. */
  private grown(): void {
    this.dirtyLimit = Math.max(MIN_TRACKED, this.map.size >> 1);
    if (this.dirty!.size <= this.dirtyLimit) return;
    this.dirty = null;
    this.overflowed = true;
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
      if (this.tracking) t.track();
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

  /** Takes a snapshot of this backend or of any other (tables as Maps, or as [key, value] arrays). */
  restore(snapshot: unknown): void {
    this.retireAll('was replaced by restore()');
    for (const [name, entries] of Object.entries(snapshot as Record<string, Map<Key, unknown> | [Key, unknown][]>)) {
      this.tables.set(name, new HeapTable(entries instanceof Map ? entries : new Map(entries), name));
    }
    this.startTracking();
  }

  /** True when some table changed so much that a full snapshot costs no more than a delta. */
  prefersFull(): boolean {
    for (const t of this.tables.values()) if (t.overflowed || t.dirty === null) return true;
    return false;
  }

  changes(): StateChanges {
    const tables: { name: string; puts: Map<Key, unknown> | [Key, unknown][]; deletes: Key[] }[] = [];
    const dropped = this.dropped;
    for (const [name, t] of this.tables) {
      if (t.dirty === null) {
        // Untracked (the first changes()): the whole table. Given up: the whole table replaces the old one.
        if (t.overflowed && !dropped.includes(name)) dropped.push(name);
        if (t.map.size > 0) tables.push({ name, puts: t.map, deletes: [] });
        continue;
      }
      const puts: [Key, unknown][] = [];
      const deletes: Key[] = [];
      for (const k of t.dirty) {
        const v = t.map.get(k);
        if (v !== undefined || t.map.has(k)) puts.push([k, v]);
        else deletes.push(k);
      }
      if (puts.length > 0 || deletes.length > 0) tables.push({ name, puts, deletes });
    }
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
    for (const t of this.tables.values()) t.track();
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
