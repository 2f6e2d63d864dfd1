import type { BroadcastState, ReadOnlyBroadcastState } from '../../functions/broadcast-process-function.ts';

/**
 * The keyed side's view of one broadcast state map: reads only (it has no mutating methods at all).
 *
 * @example
 * const view = new ReadOnlyBroadcastView(new Map([['limit', 10]])); view.get('limit'); // 10
 */
export class ReadOnlyBroadcastView<BK, BV> implements ReadOnlyBroadcastState<BK, BV> {
  constructor(protected readonly map: Map<BK, BV>) {}
  get(key: BK): BV | undefined {
    return this.map.get(key);
  }
  contains(key: BK): boolean {
    return this.map.has(key);
  }
  entries(): IterableIterator<[BK, BV]> {
    return this.map.entries();
  }
  keys(): IterableIterator<BK> {
    return this.map.keys();
  }
  values(): IterableIterator<BV> {
    return this.map.values();
  }
  get size(): number {
    return this.map.size;
  }
}

/**
 * The broadcast side's view of one broadcast state map: read-write.
 *
 * @example
 * const view = new BroadcastView(new Map<string, number>()); view.put('limit', 10);
 */
export class BroadcastView<BK, BV> extends ReadOnlyBroadcastView<BK, BV> implements BroadcastState<BK, BV> {
  put(key: BK, value: BV): void {
    this.map.set(key, value);
  }
  remove(key: BK): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}
