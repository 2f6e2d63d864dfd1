import type { StateTable } from './state-table.ts';

/**
 * Size and traffic of one table, for metrics, the dashboard and `eddy inspect`. The counters are
 * counted since the table's handle was made (open, restore, or re-creation after a drop), by the
 * layer that sees them: reads, writes and deletes by the metered layer of every backend, cache hits
 * and misses by the write-back cache of a backend on disk.
 *
 * @example
 * for (const t of backend.stats()) console.log(t.name, t.keys, t.bytes, t.reads);
 */
export interface TableStats {
  readonly name: string;
  readonly keys: number;
  /** Approximate bytes of keys and values (serialized size where the backend knows it). */
  readonly bytes: number;
  readonly reads?: number;
  readonly writes?: number;
  readonly deletes?: number;
  /** Reads answered from memory by a write-back cache... */
  readonly cacheHits?: number;
  /** ...and those that went to disk. */
  readonly cacheMisses?: number;
}

/**
 * The face of a state backend that operators see: tables by name. How the state is checkpointed
 * is the other face (`StateCheckpointing`), which only the checkpoint side uses.
 *
 * @example
 * const storage: StateStorage = new HeapStateBackend();
 * storage.table<number>('count').put('user-1', 1);
 */
export interface StateStorage {
  /**
   * True for a backend that keeps state outside the JavaScript heap (LMDB): window operators then
   * keep their window contents in it too, instead of in their own Maps. Optional: false when absent.
   */
  readonly onDisk?: boolean;
  /** The table of that name, made empty on first use; the same name gives the same table. */
  table<V>(name: string): StateTable<V>;
  tableNames(): string[];
  /** Removes a table and its contents. */
  dropTable(name: string): void;
  /**
   * Keys and approximate bytes per table, cheap enough to call every few seconds (no flush, no
   * scan): heap samples 64 values per table; LMDB counts keys as they change and bytes as flushed.
   */
  stats(): TableStats[];
  /** Releases resources (files, handles); the backend is unusable afterwards. */
  close(): void;
}
