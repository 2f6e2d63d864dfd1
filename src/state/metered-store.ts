import type { KeyedStateBackend } from './keyed-state-backend.ts';
import { MeteredTable } from './metered-table.ts';
import type { StateChanges } from './state-checkpointing.ts';
import type { TableStats } from './state-storage.ts';
import type { StateTable } from './state-table.ts';

/**
 * The outermost layer of a backend: counts reads, writes and deletes per table (as Kafka Streams'
 * metered store does) and adds them to `stats()`, next to the keys and bytes the store measures
 * and the cache hits a write-back cache counts. Everything else passes through.
 *
 * @example
 * const backend = new MeteredStore(new ChangeTracker(new HeapStore(), Infinity));
 * backend.table<number>('count').get('k');
 * backend.stats(); // [{ name: 'count', keys: 0, bytes: 0, reads: 1, writes: 0, deletes: 0 }]
 */
export class MeteredStore implements KeyedStateBackend {
  private readonly tables = new Map<string, MeteredTable<unknown>>();
  readonly copyTo?: (dir: string) => Promise<void>;
  readonly restoreCopy?: (dir: string) => Promise<void>;

  constructor(private readonly inner: KeyedStateBackend) {
    const { copyTo, restoreCopy } = inner;
    if (copyTo !== undefined) this.copyTo = (dir) => copyTo.call(inner, dir);
    if (restoreCopy !== undefined) {
      this.restoreCopy = (dir) => {
        this.tables.clear();
        return restoreCopy.call(inner, dir);
      };
    }
  }

  get onDisk(): boolean {
    return this.inner.onDisk === true;
  }

  table<V>(name: string): StateTable<V> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new MeteredTable(this.inner.table<unknown>(name));
      this.tables.set(name, t);
    }
    return t as StateTable<V>;
  }

  tableNames(): string[] {
    return this.inner.tableNames();
  }

  dropTable(name: string): void {
    this.inner.dropTable(name);
    this.tables.delete(name);
  }

  stats(): TableStats[] {
    return this.inner.stats().map((s) => {
      const t = this.tables.get(s.name);
      return { ...s, reads: t?.reads ?? 0, writes: t?.writes ?? 0, deletes: t?.deletes ?? 0 };
    });
  }

  close(): void {
    this.inner.close();
    this.tables.clear();
  }

  snapshot(): unknown {
    return this.inner.snapshot();
  }

  restore(snapshot: unknown): void {
    this.inner.restore(snapshot);
    this.tables.clear();
  }

  changes(): StateChanges {
    return this.inner.changes();
  }

  resetChanges(): void {
    this.inner.resetChanges();
  }

  applyChanges(changes: StateChanges): void {
    for (const name of changes.dropped) this.tables.delete(name);
    this.inner.applyChanges(changes);
  }

  prefersFull(): boolean {
    return this.inner.prefersFull?.() ?? false;
  }
}
