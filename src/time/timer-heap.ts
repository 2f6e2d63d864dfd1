/**
 * A binary min-heap of timers ordered by time, then by insertion order (so timers with equal times
 * fire in the order they were registered, which keeps runs deterministic).
 *
 * @example
 * const h = new TimerHeap<string>();
 * h.push(20, 'b'); h.push(10, 'a');
 * h.peekTime(); // 10
 * h.pop(); // 'a'
 */
export class TimerHeap<P> {
  private times: number[] = [];
  private seqs: number[] = [];
  private payloads: P[] = [];
  private seq = 0;

  get size(): number {
    return this.times.length;
  }

  /** Earliest time, or +Infinity when empty. */
  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : this.times[0];
  }

  push(time: number, payload: P): void {
    let i = this.times.length;
    const s = this.seq++;
    this.times.push(time);
    this.seqs.push(s);
    this.payloads.push(payload);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(time, s, this.times[parent], this.seqs[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.put(i, time, s, payload);
  }

  /** Removes and returns the earliest payload (undefined when empty). */
  pop(): P | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const top = this.payloads[0];
    const lastTime = this.times.pop()!;
    const lastSeq = this.seqs.pop()!;
    const lastPayload = this.payloads.pop()!;
    if (n > 1) this.siftDown(lastTime, lastSeq, lastPayload);
    return top;
  }

  /** Every queued payload in firing order (time, then registration), for snapshots. */
  entries(): { time: number; payload: P }[] {
    const order = this.times.map((_, i) => i).sort((a, b) => this.times[a] - this.times[b] || this.seqs[a] - this.seqs[b]);
    return order.map((i) => ({ time: this.times[i], payload: this.payloads[i] }));
  }

  clear(): void {
    this.times = [];
    this.seqs = [];
    this.payloads = [];
  }

  private siftDown(time: number, s: number, payload: P): void {
    const n = this.times.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(this.times[r], this.seqs[r], this.times[l], this.seqs[l]) ? r : l;
      if (!this.less(this.times[c], this.seqs[c], time, s)) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, time, s, payload);
  }

  private less(t1: number, s1: number, t2: number, s2: number): boolean {
    return t1 < t2 || (t1 === t2 && s1 < s2);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.payloads[to] = this.payloads[from];
  }

  private put(i: number, time: number, s: number, payload: P): void {
    this.times[i] = time;
    this.seqs[i] = s;
    this.payloads[i] = payload;
  }
}
