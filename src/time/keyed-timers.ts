import type { Key } from '../state/key.ts';
import { TimerHeap } from './timer-heap.ts';

/**
 * Event-time or processing-time timers of one keyed operator, at most one per (key, time):
 * registering the same timer twice fires it once, as in Flink. Deleting is lazy: the entry stays in
 * the heap and is skipped when it comes up.
 *
 * @example
 * const t = new KeyedTimers();
 * t.register('user-1', 1_000);
 * t.fireUpTo(1_000, (key, time) => console.log(key, time)); // user-1 1000
 */
export class KeyedTimers {
  private readonly heap = new TimerHeap<Key>();
  private readonly live = new Map<Key, Set<number>>();

  get size(): number {
    let n = 0;
    for (const s of this.live.values()) n += s.size;
    return n;
  }

  nextTime(): number {
    return this.heap.peekTime();
  }

  register(key: Key, time: number): void {
    let times = this.live.get(key);
    if (times === undefined) {
      times = new Set();
      this.live.set(key, times);
    }
    if (times.has(time)) return;
    times.add(time);
    this.heap.push(time, key);
  }

  delete(key: Key, time: number): void {
    const times = this.live.get(key);
    if (times === undefined) return;
    times.delete(time);
    if (times.size === 0) this.live.delete(key);
  }

  /** Fires, in time order, every live timer with time <= `upTo`; a callback may register more. */
  fireUpTo(upTo: number, fire: (key: Key, time: number) => void): void {
    while (this.heap.size > 0 && this.heap.peekTime() <= upTo) {
      const time = this.heap.peekTime();
      const key = this.heap.pop()!;
      const times = this.live.get(key);
      if (times === undefined || !times.delete(time)) continue;
      if (times.size === 0) this.live.delete(key);
      fire(key, time);
    }
  }

  /** Live timers as plain data, for checkpoints. */
  snapshot(): [Key, number][] {
    const out: [Key, number][] = [];
    for (const [key, times] of this.live) for (const t of times) out.push([key, t]);
    return out;
  }

  restore(timers: [Key, number][]): void {
    this.heap.clear();
    this.live.clear();
    for (const [key, time] of timers) this.register(key, time);
  }
}
