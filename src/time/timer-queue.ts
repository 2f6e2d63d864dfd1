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
  // The FIFO: entries head..length-1, times non-decreasing.
  private times: number[] = [];
  private seqs: number[] = [];
  private payloads: P[] = [];
  private head = 0;
  // The heap of timers pushed out of order.
  private readonly hTimes: number[] = [];
  private readonly hSeqs: number[] = [];
  private readonly hPayloads: P[] = [];
  private seq = 0;

  get size(): number {
    return this.times.length - this.head + this.hTimes.length;
  }

  /** Earliest time, or +Infinity when empty. */
  peekTime(): number {
    const fifo = this.head < this.times.length ? this.times[this.head] : Number.POSITIVE_INFINITY;
    const heap = this.hTimes.length > 0 ? this.hTimes[0] : Number.POSITIVE_INFINITY;
    return heap < fifo ? heap : fifo;
  }

  push(time: number, payload: P): void {
    const s = this.seq++;
    const n = this.times.length;
    if (n === this.head || this.times[n - 1] <= time) {
      this.times.push(time);
      this.seqs.push(s);
      this.payloads.push(payload);
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
    const hasFifo = this.head < this.times.length;
    const hasHeap = this.hTimes.length > 0;
    if (hasHeap && (!hasFifo || this.hTimes[0] < this.times[this.head] || (this.hTimes[0] === this.times[this.head] && this.hSeqs[0] < this.seqs[this.head]))) {
      return this.popHeap();
    }
    if (!hasFifo) return undefined;
    const p = this.payloads[this.head];
    this.head++;
    if (this.head === this.times.length) this.reset();
    else if (this.head >= 4096 && this.head * 2 >= this.times.length) this.compact();
    return p;
  }

  /** Every queued payload in firing order, for snapshots. */
  entries(): { time: number; payload: P }[] {
    const out: { time: number; payload: P; seq: number }[] = [];
    for (let i = this.head; i < this.times.length; i++) out.push({ time: this.times[i], payload: this.payloads[i], seq: this.seqs[i] });
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
    this.times = [];
    this.seqs = [];
    this.payloads = [];
    this.head = 0;
  }

  private compact(): void {
    this.times = this.times.slice(this.head);
    this.seqs = this.seqs.slice(this.head);
    this.payloads = this.payloads.slice(this.head);
    this.head = 0;
  }
}
