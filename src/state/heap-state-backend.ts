import { HeapStore } from './heap-store.ts';
import { LayeredStateBackend } from './layered-state-backend.ts';

/**
 * Keeps keyed state in JavaScript Maps: the default backend, fastest for state that fits in memory.
 * Its store is the Maps alone (no cache); change tracking for incremental checkpoints starts with
 * the first `changes()` call, so a job without checkpoints pays nothing for it.
 *
 * @example
 * const env = StreamEnvironment.create({ stateBackend: () => new HeapStateBackend() });
 */
export class HeapStateBackend extends LayeredStateBackend {
  constructor() {
    // The tracker may hold as many changed keys as it likes: their values live on the heap anyway.
    super(new HeapStore(), Infinity);
  }
}
