import type { AggregateFunction, ReduceFunction } from '../functions/aggregate-function.ts';
import type { Clock } from '../time/clock.ts';
import type { KeyContext } from './key-context.ts';
import type { StateStorage } from './state-storage.ts';
import type { StateTable } from './state-table.ts';
import type {
  AggregatingState, ListState, MapState, ReducingState, StateOptions, ValueState,
} from '../functions/state-types.ts';
import { TtlTable } from './ttl-table.ts';

/** Table holding the schema version of each state of an operator. */
const VERSIONS = '__schema_versions';

/**
 * Hands out keyed state handles over a backend; what process functions see as `getState` & co.
 *
 * @example
 * const store = new KeyedStateStore(new HeapStateBackend(), keyContext, clock);
 * const count = store.getState<number>('count');
 */
export class KeyedStateStore {
  private readonly names = new Set<string>();

  constructor(
    private readonly backend: StateStorage,
    private readonly key: KeyContext,
    private readonly clock: Clock,
  ) {}

  private table<V>(name: string, options?: StateOptions): StateTable<V> {
    if (name.startsWith('__')) throw new Error(`state names starting with '__' are reserved for Eddy: '${name}'`);
    if (this.names.has(name)) throw new Error(`state '${name}' is declared twice in the same operator; give each state its own name`);
    this.names.add(name);
    const raw = this.backend.table<V>(name);
    this.checkVersion(name, raw, options);
    return options?.ttl ? new TtlTable<V>(raw as never, options.ttl, this.clock) : raw;
  }

  /** Restored state written under another schema version is migrated now, or refused. */
  private checkVersion(name: string, raw: StateTable<unknown>, options?: StateOptions): void {
    const versions = this.backend.table<number>(VERSIONS);
    const want = options?.version ?? 1;
    const stored = versions.get(name) ?? (raw.size > 0 ? 1 : want);
    if (stored !== want) {
      if (stored > want) throw new Error(`state '${name}' was written with schema version ${stored}, newer than this job's ${want}`);
      const migrate = options?.migrate;
      if (migrate === undefined) {
        throw new Error(`state '${name}' was written with schema version ${stored} and the job declares ${want}: give it a migrate(value, fromVersion) option`);
      }
      const ttl = options?.ttl !== undefined;
      for (const [k, v] of [...raw.entries()]) {
        if (ttl) {
          const stamped = v as { v: unknown; t: number };
          raw.put(k, { v: migrate(stamped.v, stored), t: stamped.t });
        } else {
          raw.put(k, migrate(v, stored));
        }
      }
    }
    if (versions.get(name) !== want) versions.put(name, want);
  }

  getState<T>(name: string, options?: StateOptions): ValueState<T> {
    const t = this.table<T>(name, options);
    const k = this.key;
    return {
      value: () => t.get(k.current),
      update: (v) => (v === undefined ? t.delete(k.current) : t.put(k.current, v)),
      clear: () => t.delete(k.current),
    };
  }

  getListState<T>(name: string, options?: StateOptions): ListState<T> {
    const t = this.table<T[]>(name, options);
    const k = this.key;
    return {
      get: () => t.get(k.current) ?? [],
      add: (v) => {
        const list = t.get(k.current);
        if (list === undefined) t.put(k.current, [v]);
        else {
          list.push(v);
          t.put(k.current, list);
        }
      },
      addAll: (vs) => {
        if (vs.length === 0) return;
        t.put(k.current, [...(t.get(k.current) ?? []), ...vs]);
      },
      update: (vs) => (vs.length === 0 ? t.delete(k.current) : t.put(k.current, [...vs])),
      clear: () => t.delete(k.current),
    };
  }

  getMapState<UK, UV>(name: string, options?: StateOptions): MapState<UK, UV> {
    const t = this.table<Map<UK, UV>>(name, options);
    const k = this.key;
    const empty = new Map<UK, UV>();
    const read = () => t.get(k.current) ?? empty;
    return {
      get: (uk) => read().get(uk),
      put: (uk, uv) => {
        const m = t.get(k.current) ?? new Map<UK, UV>();
        m.set(uk, uv);
        t.put(k.current, m);
      },
      remove: (uk) => {
        const m = t.get(k.current);
        if (m === undefined) return;
        m.delete(uk);
        if (m.size === 0) t.delete(k.current);
        else t.put(k.current, m);
      },
      contains: (uk) => read().has(uk),
      entries: () => read().entries(),
      keys: () => read().keys(),
      values: () => read().values(),
      isEmpty: () => read().size === 0,
      clear: () => t.delete(k.current),
    };
  }

  getReducingState<T>(name: string, reduce: ReduceFunction<T>, options?: StateOptions): ReducingState<T> {
    const t = this.table<T>(name, options);
    const k = this.key;
    return {
      get: () => t.get(k.current),
      add: (v) => {
        const cur = t.get(k.current);
        t.put(k.current, cur === undefined ? v : reduce(cur, v));
      },
      clear: () => t.delete(k.current),
    };
  }

  getAggregatingState<IN, ACC, OUT>(name: string, agg: AggregateFunction<IN, ACC, OUT>, options?: StateOptions): AggregatingState<IN, OUT> {
    const t = this.table<ACC>(name, options);
    const k = this.key;
    return {
      get: () => {
        const acc = t.get(k.current);
        return acc === undefined ? undefined : agg.getResult(acc);
      },
      add: (v) => t.put(k.current, agg.add(v, t.get(k.current) ?? agg.createAccumulator())),
      clear: () => t.delete(k.current),
    };
  }
}
