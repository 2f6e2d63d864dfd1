import type { Key } from '../functions/key.ts';
import type { KeyedStateBackend } from './keyed-state-backend.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { StateChanges } from './state-checkpointing.ts';
import type { TableStats } from './state-storage.ts';
import type { StateTable } from './state-table.ts';
import { TrackedTable } from './tracked-table.ts';

/**
 * Adds incremental checkpoints to a store: the layer that knows what changed since the last cut.
 * One decorator for every store, the heap's and LMDB's alike. Tracking starts with the first
 * `changes()` (or `resetChanges`, `restore`, `applyChanges`, `copyTo`), so a job without
 * checkpoints pays one null check per write for it.
 *
 * It sits above a write-back cache, not below it as Kafka Streams' changelog does: there a change
 * costs a record sent to a topic, so the cache must absorb repeated writes first; here it costs a
 * Set entry that absorbs them itself. Above the cache, a delta is taken at the cut without a flush
 * (a hot key reaches LMDB once per eviction, not once per checkpoint), its values are read from
 * the cache (where the keys written lately mostly are) without disturbing it, and it works while
 * an LMDB copy holds writes in the cache.
 *
 * @example
 * const backend = new ChangeTracker(new HeapStore(), Infinity);
 * backend.table<number>('count').put('k', 1);
 * backend.changes(); // the whole state first, then what changed
 */
export class ChangeTracker implements KeyedStateBackend {
  private readonly tables = new Map<string, TrackedTable<unknown>>();
  private tracking = false;
  private dropped: string[] = [];
  readonly copyTo?: (dir: string) => Promise<void>;
  readonly restoreCopy?: (dir: string) => Promise<void>;

  /** @param maxTracked most changed keys a table tracks before it gives up (see `TrackedTable`) */
  constructor(private readonly inner: SnapshotStore, private readonly maxTracked: number) {
    const { copyTo, restoreCopy } = inner;
    if (copyTo !== undefined) {
      this.copyTo = (dir) => {
        const copy = copyTo.call(inner, dir); // the store's part at the cut happens in this call...
        this.startTracking(); // ...so the deltas after the copy start here
        return copy;
      };
    }
    if (restoreCopy !== undefined) {
      this.restoreCopy = async (dir) => {
        this.tables.clear();
        await restoreCopy.call(inner, dir);
        this.startTracking();
      };
    }
  }

  get onDisk(): boolean {
    return this.inner.onDisk === true;
  }

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new TrackedTable(this.inner.table<unknown>(name), this.maxTracked);
      if (this.tracking) t.track();
      this.tables.set(name, t);
    }
    return t as StateTable<V>;
  }

  tableNames(): string[] {
    return this.inner.tableNames();
  }

  dropTable(name: string): void {
    const existed = this.tables.has(name) || this.inner.tableNames().includes(name);
    this.inner.dropTable(name);
    this.tables.delete(name);
    if (existed && this.tracking) this.dropped.push(name);
  }

  snapshot(): unknown {
    return this.inner.snapshot();
  }

  restore(snapshot: unknown): void {
    this.inner.restore(snapshot);
    this.tables.clear();
    this.startTracking();
  }

  changes(): StateChanges {
    const tables: StateChanges['tables'] = [];
    const dropped = this.dropped;
    for (const name of this.inner.tableNames()) {
      const t = this.tables.get(name);
      if (t?.written != null) {
        const { puts, deletes } = t.delta();
        if (sizeOf(puts) > 0 || deletes.length > 0) tables.push({ name, puts, deletes });
        continue;
      }
      if (t === undefined && this.tracking) continue; // not written since the cut
      // Untracked (the first changes()): the whole table. Given up: the whole table replaces the old one.
      if (t?.overflowed === true && !dropped.includes(name)) dropped.push(name);
      const puts = this.inner.contents(name);
      if (sizeOf(puts) > 0) tables.push({ name, puts, deletes: [] });
    }
    this.startTracking();
    return { tables, dropped };
  }

  resetChanges(): void {
    this.startTracking();
  }

  /** Written below the tracking (it starts afresh after), into the store's own tables. */
  applyChanges(changes: StateChanges): void {
    for (const name of changes.dropped) this.dropTable(name);
    for (const c of changes.tables) {
      const t = this.inner.table<unknown>(c.name);
      for (const [k, v] of c.puts) t.put(k, v);
      for (const k of c.deletes) t.delete(k);
    }
    this.startTracking();
  }

  /** True when some table changed so much that a full snapshot costs no more than a delta, or nothing was tracked yet. */
  prefersFull(): boolean {
    if (!this.tracking) return true;
    for (const t of this.tables.values()) if (t.overflowed) return true;
    return false;
  }

  stats(): TableStats[] {
    return this.inner.stats();
  }

  close(): void {
    this.inner.close();
    this.tables.clear();
  }

  private startTracking(): void {
    this.tracking = true;
    this.dropped = [];
    for (const t of this.tables.values()) t.track();
  }
}

function sizeOf(puts: ReadonlyMap<Key, unknown> | readonly (readonly [Key, unknown])[]): number {
  return puts instanceof Map ? puts.size : (puts as readonly unknown[]).length;
}
