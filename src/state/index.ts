export type { Key } from '../functions/key.ts';
export type {
  ValueState, ListState, MapState, ReducingState, AggregatingState, StateTtlConfig, StateOptions,
} from '../functions/state-types.ts';
export type { StateTable } from './state-table.ts';
export type { StateStorage, TableStats } from './state-storage.ts';
export type { StateCheckpointing, StateChanges } from './state-checkpointing.ts';
export type { KeyedStateBackend, StateBackendContext } from './keyed-state-backend.ts';
export { HeapStateBackend } from './heap-state-backend.ts';
export { LmdbStateBackend, type LmdbStateBackendOptions } from './lmdb-state-backend.ts';
