import type { Key } from '../functions/key.ts';
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

  /** Live timers as plain data, in firing order (so a restore fires them in the same order). */
  snapshot(): [Key, number][] {
    const out: [Key, number][] = [];
    const taken = new Map<Key, Set<number>>();
    for (const { time, payload: key } of this.heap.entries()) {
      // The heap may hold deleted or duplicate entries: take each live (key, time) once.
      if (!this.live.get(key)?.has(time)) continue;
      let t = taken.get(key);
      if (t === undefined) taken.set(key, (t = new Set()));
      if (t.has(time)) continue;
      t.add(time);
      out.push([key, time]);
    }
    return out;
  }

  restore(timers: [Key, number][]): void {
    this.heap.clear();
    this.live.clear();
    for (const [key, time] of timers) this.register(key, time);
  }
}
