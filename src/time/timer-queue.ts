/**
 * Timers in firing order (time, then registration), like TimerHeap, for timers that mostly come
 * in time order (one per event of a stream whose timestamps rise): those go to a FIFO, O(1) each,
 * and only the ones earlier than the last in the FIFO go to a binary heap. A pop takes the earlier
 * of the two heads, so the order is exactly TimerHeap's.
 *
 * @example
 * const q = new TimerQueue<string>();
 * q.push(10, 'a'); q.push(20, 'b'); q.push(15, 'c');
 * q.pop(); // 'a'
 * q.pop(); // 'c'
 */
export class TimerQueue<P> {
  // The FIFO: entries head..tail-1, times non-decreasing. The arrays keep their length when the
  // FIFO empties (a queue that fills and drains each watermark step would otherwise regrow them
  // every time); popped payload slots are cleared so that they hold nothing alive.
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly payloads: (P | undefined)[] = [];
  private head = 0;
  private tail = 0;
  // The heap of timers pushed out of order.
  private readonly hTimes: number[] = [];
  private readonly hSeqs: number[] = [];
  private readonly hPayloads: P[] = [];
  private seq = 0;

  get size(): number {
    return this.tail - this.head + this.hTimes.length;
  }

  /** Earliest time, or +Infinity when empty. */
  peekTime(): number {
    const fifo = this.head < this.tail ? this.times[this.head] : Number.POSITIVE_INFINITY;
    const heap = this.hTimes.length > 0 ? this.hTimes[0] : Number.POSITIVE_INFINITY;
    return heap < fifo ? heap : fifo;
  }

  push(time: number, payload: P): void {
    const s = this.seq++;
    let n = this.tail;
    if (n === this.head || this.times[n - 1] <= time) {
      if (n === this.times.length && this.head >= 4096 && this.head * 2 >= n) {
        // Full, and at least half of it popped already: move the rest to the front rather than grow.
        this.compact();
        n = this.tail;
      }
      if (n < this.times.length) {
        this.times[n] = time;
        this.seqs[n] = s;
        this.payloads[n] = payload;
      } else {
        this.times.push(time);
        this.seqs.push(s);
        this.payloads.push(payload);
      }
      this.tail = n + 1;
      return;
    }
    const t = this.hTimes;
    let i = t.length;
    t.push(time);
    this.hSeqs.push(s);
    this.hPayloads.push(payload);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!(time < t[parent] || (time === t[parent] && s < this.hSeqs[parent]))) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, time, s, payload);
  }

  /** Removes and returns the earliest payload (undefined when empty). */
  pop(): P | undefined {
    const hasFifo = this.head < this.tail;
    const hasHeap = this.hTimes.length > 0;
    if (hasHeap && (!hasFifo || this.hTimes[0] < this.times[this.head] || (this.hTimes[0] === this.times[this.head] && this.hSeqs[0] < this.seqs[this.head]))) {
      return this.popHeap();
    }
    if (!hasFifo) return undefined;
    const p = this.payloads[this.head] as P;
    this.payloads[this.head] = undefined;
    this.head++;
    if (this.head === this.tail) this.head = this.tail = 0;
    return p;
  }

  /** Every queued payload in firing order, for snapshots. */
  entries(): { time: number; payload: P }[] {
    const out: { time: number; payload: P; seq: number }[] = [];
    for (let i = this.head; i < this.tail; i++) out.push({ time: this.times[i], payload: this.payloads[i] as P, seq: this.seqs[i] });
    for (let i = 0; i < this.hTimes.length; i++) out.push({ time: this.hTimes[i], payload: this.hPayloads[i], seq: this.hSeqs[i] });
    return out.sort((a, b) => a.time - b.time || a.seq - b.seq).map(({ time, payload }) => ({ time, payload }));
  }

  clear(): void {
    this.reset();
    this.hTimes.length = 0;
    this.hSeqs.length = 0;
    this.hPayloads.length = 0;
  }

  private popHeap(): P {
    const t = this.hTimes;
    const top = this.hPayloads[0];
    const n = t.length - 1;
    const lastTime = t.pop()!;
    const lastSeq = this.hSeqs.pop()!;
    const lastPayload = this.hPayloads.pop()!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (t[r] < t[l] || (t[r] === t[l] && this.hSeqs[r] < this.hSeqs[l])) ? r : l;
        if (!(t[c] < lastTime || (t[c] === lastTime && this.hSeqs[c] < lastSeq))) break;
        this.move(c, i);
        i = c;
      }
      this.set(i, lastTime, lastSeq, lastPayload);
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.hTimes[to] = this.hTimes[from];
    this.hSeqs[to] = this.hSeqs[from];
    this.hPayloads[to] = this.hPayloads[from];
  }

  private set(i: number, time: number, s: number, payload: P): void {
    this.hTimes[i] = time;
    this.hSeqs[i] = s;
    this.hPayloads[i] = payload;
  }

  private reset(): void {
    this.times.length = 0;
    this.seqs.length = 0;
    this.payloads.length = 0;
    this.head = this.tail = 0;
  }

  /** Moves the live FIFO entries to the front. */
  private compact(): void {
    const { head, tail } = this;
    this.times.copyWithin(0, head, tail);
    this.seqs.copyWithin(0, head, tail);
    this.payloads.copyWithin(0, head, tail);
    this.payloads.fill(undefined, tail - head, tail);
    this.head = 0;
    this.tail = tail - head;
  }
}
