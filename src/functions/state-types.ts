/**
 * Keyed state handles. Each reads and writes the state of the key the runtime is processing
 * (the "current key"), so one handle serves every key.
 *
 * @example
 * const count = ctx.getState<number>('count');
 * count.update((count.value() ?? 0) + 1);
 */
export interface ValueState<T> {
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

/** A list per key. @example seen.add(click); for (const c of seen.get()) ... */
export interface ListState<T> {
  get(): readonly T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  update(values: readonly T[]): void;
  clear(): void;
}

/** A map per key. @example perPage.put('/home', (perPage.get('/home') ?? 0) + 1); */
export interface MapState<UK, UV> {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  isEmpty(): boolean;
  clear(): void;
}

/** Values folded with a reduce function as they are added. @example total.add(order.amount); */
export interface ReducingState<T> {
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}

/** Values folded with an AggregateFunction. @example avg.add(reading.celsius); avg.get(); */
export interface AggregatingState<IN, OUT> {
  get(): OUT | undefined;
  add(value: IN): void;
  clear(): void;
}

/**
 * State time-to-live: entries not written (or, with `updateOn: 'read-and-write'`, not read) for
 * `ttlMs` of processing time are expired and never returned.
 *
 * @example
 * ctx.getState<number>('last-seen', { ttl: { ttlMs: 24 * 3_600_000 } });
 */
export interface StateTtlConfig {
  readonly ttlMs: number;
  readonly updateOn?: 'create-and-write' | 'read-and-write';
}

/**
 * Options of a state handle.
 *
 * @example
 * ctx.getListState<Click>('recent', { ttl: { ttlMs: 600_000 } });
 */
export interface StateOptions {
  readonly ttl?: StateTtlConfig;
  /** Schema version of the values (default 1). Raise it when the shape of the values changes. */
  readonly version?: number;
  /**
   * Turns a value written under an older schema version into the current shape; run on every
   * restored value when the job declares a newer version than the checkpoint holds.
   */
  readonly migrate?: (value: unknown, fromVersion: number) => unknown;
}
