import type { Key } from '../functions/key.ts';
import type { StateCheckpointing } from './state-checkpointing.ts';
import type { StateStorage } from './state-storage.ts';

/**
 * A store that can copy itself whole but does not know what changed: the heap's Maps, or LMDB
 * behind its write-back cache. The change tracker wraps one and adds deltas (`changes`).
 *
 * @example
 * const backend = new MeteredStore(new ChangeTracker(new HeapStore(), Infinity));
 */
export interface SnapshotStore extends StateStorage, Pick<StateCheckpointing, 'snapshot' | 'restore' | 'copyTo' | 'restoreCopy'> {
  /**
   * One table's entries, for a delta that carries the table whole: the heap's live Map (it encodes
   * faster than pairs), or [key, value] pairs. Live values: serialize before processing goes on.
   */
  contents(name: string): ReadonlyMap<Key, unknown> | readonly (readonly [Key, unknown])[];
}
