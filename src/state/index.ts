export type { Key } from '../functions/key.ts';
export type {
  ValueState, ListState, MapState, ReducingState, AggregatingState, StateTtlConfig, StateOptions,
} from '../functions/state-types.ts';
export type { StateTable, KeyedStateBackend, StateBackendContext, StateChanges, TableStats } from './state-table.ts';
export { HeapStateBackend } from './heap-state-backend.ts';
export { LmdbStateBackend, type LmdbStateBackendOptions } from './lmdb-state-backend.ts';
