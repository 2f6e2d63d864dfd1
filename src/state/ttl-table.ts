import type { Clock } from '../time/clock.ts';
import type { Key } from '../functions/key.ts';
import type { StateTtlConfig } from '../functions/state-types.ts';
import type { StateTable } from './state-table.ts';

interface Stamped<V> {
  v: V;
  t: number;
}

/**
 * Decorates a state table with time-to-live. Expired entries are never returned, are deleted when
 * touched, and a few are swept on every write (incremental cleanup, as Flink's heap backend does),
 * so state of keys that are never seen again still goes away.
 *
 * @example
 * const t = new TtlTable<number>(backend.table('count'), { ttlMs: 60_000 }, clock);
 */
export class TtlTable<V> implements StateTable<V> {
  private sweep: IterableIterator<[Key, Stamped<V>]> | null = null;

  constructor(
    private readonly inner: StateTable<Stamped<V>>,
    private readonly config: StateTtlConfig,
    private readonly clock: Clock,
  ) {
    if (!(config.ttlMs > 0)) throw new Error(`state TTL must be > 0 ms, got ${config.ttlMs}`);
  }

  get size(): number {
    return this.inner.size;
  }

  get(key: Key): V | undefined {
    const e = this.inner.get(key);
    if (e === undefined) return undefined;
    const now = this.clock.now();
    if (now - e.t >= this.config.ttlMs) {
      this.inner.delete(key);
      return undefined;
    }
    if (this.config.updateOn === 'read-and-write') {
      // Put it back: a backend that caches or tracks changes must see the new read time.
      e.t = now;
      this.inner.put(key, e);
    }
    return e.v;
  }

  put(key: Key, value: V): void {
    this.inner.put(key, { v: value, t: this.clock.now() });
    this.cleanSome(2);
  }

  delete(key: Key): boolean {
    return this.inner.delete(key);
  }

  *keys(): IterableIterator<Key> {
    for (const [k] of this.entries()) yield k;
  }

  *entries(): IterableIterator<[Key, V]> {
    const now = this.clock.now();
    for (const [k, e] of this.inner.entries()) if (now - e.t < this.config.ttlMs) yield [k, e.v];
  }

  private cleanSome(n: number): void {
    const now = this.clock.now();
    for (let i = 0; i < n; i++) {
      if (this.sweep === null) this.sweep = this.inner.entries();
      const next = this.sweep.next();
      if (next.done) {
        this.sweep = null;
        return;
      }
      const [k, e] = next.value;
      if (now - e.t >= this.config.ttlMs) this.inner.delete(k);
    }
  }
}
