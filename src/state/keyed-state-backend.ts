import type { StateCheckpointing } from './state-checkpointing.ts';
import type { StateStorage } from './state-storage.ts';

/**
 * Where keyed state lives: a backend has two faces, the storage that operators use
 * (`StateStorage`: tables by name) and the checkpointing that the checkpoint side uses
 * (`StateCheckpointing`: snapshots, deltas, copies). The runtime holds both; an operator needs
 * only the first.
 *
 * @example
 * const backend: KeyedStateBackend = new HeapStateBackend();
 * backend.table<number>('count').put('k', 1);
 * const copy = new HeapStateBackend(); copy.restore(backend.snapshot());
 */
export interface KeyedStateBackend extends StateStorage, StateCheckpointing {}

/**
 * What a state backend factory learns about the operator it serves: its state id (uid, or name
 * when it has no uid), so that a backend on disk can give each operator its own place.
 *
 * @example
 * StreamEnvironment.create({ stateBackend: (ctx) => new LmdbStateBackend({ path: `state/${ctx.operator}` }) });
 */
export interface StateBackendContext {
  readonly operator: string;
}
