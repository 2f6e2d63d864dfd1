import { ChangeTracker } from './change-tracker.ts';
import type { KeyedStateBackend } from './keyed-state-backend.ts';
import { MeteredStore } from './metered-store.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { StateChanges } from './state-checkpointing.ts';
import type { TableStats } from './state-storage.ts';
import type { StateTable } from './state-table.ts';

/**
 * A state backend as a chain of layers over a store, put together here and nowhere else,
 * outermost first:
 *
 *   metered (reads, writes, deletes per table)
 *   -> change-tracked (what changed since the last checkpoint: deltas)
 *   -> the store: the heap's Maps, or LMDB behind its write-back cache
 *
 * as Kafka Streams builds metered(cached(logged(store))); why tracking sits above the cache here
 * is in `ChangeTracker`. Operators get the tables of the outermost layer; each layer's table
 * holds the next one's in a field, so a read or write is a short chain of monomorphic calls.
 *
 * @example
 * class HeapStateBackend extends LayeredStateBackend {
 *   constructor() { super(new HeapStore(), Infinity); }
 * }
 */
export abstract class LayeredStateBackend implements KeyedStateBackend {
  /** The outermost layer. */
  protected readonly top: MeteredStore;

  /** @param maxTracked most changed keys a table tracks before a delta gives way to the whole table */
  protected constructor(store: SnapshotStore, maxTracked: number) {
    this.top = new MeteredStore(new ChangeTracker(store, maxTracked));
  }

  get onDisk(): boolean {
    return this.top.onDisk === true;
  }

  table<V>(name: string): StateTable<V> {
    return this.top.table<V>(name);
  }

  tableNames(): string[] {
    return this.top.tableNames();
  }

  dropTable(name: string): void {
    this.top.dropTable(name);
  }

  stats(): TableStats[] {
    return this.top.stats();
  }

  close(): void {
    this.top.close();
  }

  snapshot(): unknown {
    return this.top.snapshot();
  }

  restore(snapshot: unknown): void {
    this.top.restore(snapshot);
  }

  changes(): StateChanges {
    return this.top.changes();
  }

  resetChanges(): void {
    this.top.resetChanges();
  }

  applyChanges(changes: StateChanges): void {
    this.top.applyChanges(changes);
  }

  prefersFull(): boolean {
    return this.top.prefersFull();
  }
}
