import type { ResolvedAsyncMapOptions } from '../../functions/async-map-options.ts';
import { DEAD_LETTERS } from '../../functions/dead-letter.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { AsyncOperator, Finishing, LocalState, ProcessingTimeListener, WatermarkListener, WatermarkOwner } from '../operator-capabilities.ts';
import type { AsyncWork } from './async-work.ts';

// Entry states. WAITING: not admitted (the operator was at capacity). GONE: emitted (unordered mode
// leaves it in place until the head passes it).
const WAITING = 0;
const IN_FLIGHT = 1;
const BACKOFF = 2;
const DONE = 3;
const FAILED = 4;
const GONE = 5;

class Entry {
  state = WAITING;
  attempts = 0;
  /** Processing time at which the current attempt times out, or the backoff ends. */
  due = 0;
  result: unknown = undefined;
  constructor(readonly value: unknown, readonly time: number) {}
}

/** A watermark held back behind the records that arrived before it. */
class Held {
  constructor(public wm: number) {}
}

interface Settled { entry: Entry; attempt: number; ok: boolean; value: unknown }

/** Checkpointed form: inputs still owed (replayed), results already in, held watermarks. */
type SnapshotItem = { r: unknown; t: number } | { d: unknown; t: number } | { w: number };
interface AsyncMapSnapshot { items: SnapshotItem[]; outWatermark: number }

/**
 * Calls an async function per record, with Flink's AsyncWaitOperator semantics on a
 * synchronous runtime:
 * - at most `capacity` records are held (in flight, backing off, or done and waiting for their
 *   turn); further input waits unadmitted, and `full` tells the runner to stop the sources;
 * - results enter the graph only in `drain`, `onProcessingTime` or `process`, never from a
 *   promise callback, so output is deterministic given the settle order;
 * - ordered: results leave in input order; unordered: as they complete, but never across a
 *   watermark, and a watermark leaves only after every record before it (no overtaking);
 * - timeouts and retry backoff are processing-time timers of the injected clock;
 * - a record whose last attempt fails goes to DEAD_LETTERS (counted) or fails the job;
 * - a checkpoint holds the inputs still owed, the results not yet emitted and the held
 *   watermarks; after a restore the owed inputs are requested again.
 *
 * @example
 * new AsyncMapOperator((id: number) => db.lookup(id), resolveAsyncMapOptions({ capacity: 10 }));
 */
export class AsyncMapOperator<I, O> implements Operator<I, O>, WatermarkListener, ProcessingTimeListener, LocalState, AsyncOperator, Finishing, WatermarkOwner, AsyncWork {
  /** Watermarks leave through the queue (see `onWatermark`), +Infinity included. */
  readonly watermarkPolicy = 'hold';
  private ctx!: OperatorContext;
  private out!: Output<O>;
  private queue: (Entry | Held)[] = [];
  private head = 0;
  /** Index from which to look for the next WAITING entry (all WAITING entries are at or after it). */
  private nextAdmit = 0;
  private admitted = 0;
  private waiting = 0;
  private inFlight = 0;
  private settledList: Settled[] = [];
  private wake: (() => void) | null = null;
  private wakePromise: Promise<void> | null = null;
  private closed = false;
  private restoredOutWm: number | null = null;
  /** Counters, for tests and metrics. */
  readonly stats = { requests: 0, timeouts: 0, retries: 0, failures: 0 };

  constructor(private readonly fn: (value: I) => Promise<O>, private readonly options: ResolvedAsyncMapOptions) {}

  get async(): AsyncWork {
    return this;
  }

  get held(): number {
    return this.admitted + this.waiting;
  }

  get outstanding(): number {
    return this.inFlight;
  }

  get full(): boolean {
    return this.waiting > 0 || this.admitted >= this.options.capacity;
  }

  open(ctx: OperatorContext, out: Output<O>): void {
    this.ctx = ctx;
    this.out = out;
    // The runtime restored this node's output watermark to its input watermark; ours lags behind
    // what we still hold, and must not skip the held watermarks when they leave.
    if (this.restoredOutWm !== null) ctx.metrics.watermark = this.restoredOutWm;
    this.admit();
  }

  process(batch: Batch<I>): void {
    for (let i = 0, n = batch.length; i < n; i++) this.queue.push(new Entry(batch.values[i], batch.times[i]));
    this.waiting += batch.length;
    this.admit();
  }

  onWatermark(wm: number): void {
    if (this.head === this.queue.length) {
      this.ctx.emitWatermark(wm);
      return;
    }
    const last = this.queue[this.queue.length - 1];
    if (last instanceof Held) last.wm = wm;
    else this.queue.push(new Held(wm));
  }

  whenProgress(): Promise<void> {
    if (this.settledList.length > 0) return Promise.resolve();
    this.wakePromise ??= new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    return this.wakePromise;
  }

  drain(): boolean {
    if (this.settledList.length === 0) return false;
    const list = this.settledList;
    this.settledList = [];
    for (const s of list) {
      const e = s.entry;
      // A late answer to an attempt that already timed out is ignored.
      if (e.state !== IN_FLIGHT || e.attempts !== s.attempt) continue;
      this.inFlight--;
      if (s.ok) {
        e.state = DONE;
        e.result = s.value;
      } else {
        this.attemptFailed(e, s.value, this.ctx.clock.now());
      }
    }
    this.emitReady();
    this.admit();
    return true;
  }

  onProcessingTime(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (e instanceof Held) continue;
      if (e.state === WAITING) break;
      if (e.state === IN_FLIGHT && e.due <= now) {
        this.inFlight--;
        this.stats.timeouts++;
        this.attemptFailed(e, new Error(`timed out after ${this.options.timeoutMs} ms`), now);
      }
      if (e.state === BACKOFF && e.due <= now) this.issue(e, now);
      if ((e.state === IN_FLIGHT || e.state === BACKOFF) && e.due < next) next = e.due;
    }
    if (next !== Number.POSITIVE_INFINITY) this.ctx.requestProcessingTime(next);
    this.emitReady();
    this.admit();
  }

  finish(): void {
    // The runners wait for `held` to reach 0 before finishing; anything left is a runtime bug.
    if (this.held > 0) throw new Error(`asyncMap finished with ${this.held} records still held`);
  }

  snapshot(): AsyncMapSnapshot {
    const items: SnapshotItem[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (e instanceof Held) items.push({ w: e.wm });
      else if (e.state === DONE) items.push({ d: e.result, t: e.time });
      // A failed record's dead letter is already out; a gone one is emitted.
      else if (e.state !== FAILED && e.state !== GONE) items.push({ r: e.value, t: e.time });
    }
    return { items, outWatermark: this.ctx.metrics.watermark };
  }

  restore(state: unknown): void {
    const s = state as AsyncMapSnapshot;
    for (const item of s.items) {
      if ('w' in item) {
        this.queue.push(new Held(item.w));
      } else if ('d' in item) {
        const e = new Entry(undefined, item.t);
        e.state = DONE;
        e.result = item.d;
        this.queue.push(e);
        this.admitted++;
      } else {
        this.queue.push(new Entry(item.r, item.t));
        this.waiting++;
      }
    }
    this.restoredOutWm = s.outWatermark;
  }

  close(): void {
    this.closed = true;
  }

  private admit(): void {
    if (this.waiting === 0 || this.admitted >= this.options.capacity) return;
    const now = this.ctx.clock.now();
    let i = Math.max(this.nextAdmit, this.head);
    while (this.waiting > 0 && this.admitted < this.options.capacity) {
      const e = this.queue[i++];
      if (e instanceof Held || e.state !== WAITING) continue;
      this.waiting--;
      this.admitted++;
      this.issue(e, now);
    }
    this.nextAdmit = i;
  }

  private issue(e: Entry, now: number): void {
    const attempt = ++e.attempts;
    e.state = IN_FLIGHT;
    e.due = now + this.options.timeoutMs;
    this.inFlight++;
    this.stats.requests++;
    this.ctx.requestProcessingTime(e.due);
    let p: Promise<O>;
    try {
      p = Promise.resolve(this.fn(e.value as I));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then((v) => this.settled(e, attempt, true, v), (err: unknown) => this.settled(e, attempt, false, err));
  }

  /** Runs from a promise callback: only records the outcome; `drain` applies it. */
  private settled(entry: Entry, attempt: number, ok: boolean, value: unknown): void {
    if (this.closed || entry.state !== IN_FLIGHT || entry.attempts !== attempt) return;
    this.settledList.push({ entry, attempt, ok, value });
    const wake = this.wake;
    this.wake = null;
    this.wakePromise = null;
    wake?.();
  }

  private attemptFailed(e: Entry, error: unknown, now: number): void {
    if (e.attempts <= this.options.retries) {
      this.stats.retries++;
      e.state = BACKOFF;
      e.due = now + this.options.backoffMs * 2 ** (e.attempts - 1);
      this.ctx.requestProcessingTime(e.due);
      return;
    }
    e.state = FAILED;
    this.stats.failures++;
    const reason = error instanceof Error ? error.message : String(error);
    const raw = describe(e.value);
    if (this.options.onFailure === 'fail') {
      throw new Error(`asyncMap request failed after ${e.attempts} attempt(s): ${reason}; input: ${raw} (onFailure is 'fail'; use 'dead-letter' to go on)`);
    }
    this.ctx.metrics.deadLetters++;
    this.ctx.sample('dead-letter', e.value, e.time, reason);
    this.out.emitSide(DEAD_LETTERS, { operator: this.ctx.name, position: `attempt ${e.attempts} of ${this.options.retries + 1}`, reason, raw }, e.time);
  }

  /** Emits results (and held watermarks) that may leave now. */
  private emitReady(): void {
    const q = this.queue;
    const ordered = this.options.ordered;
    let i = this.head;
    while (i < q.length) {
      const e = q[i];
      if (e instanceof Held) {
        // Everything before it has left: the watermark may follow.
        if (i !== this.head) break;
        this.ctx.emitWatermark(e.wm);
        this.head = ++i;
        continue;
      }
      if (e.state === DONE || e.state === FAILED) {
        if (e.state === DONE) this.out.emit(e.result as O, e.time);
        e.state = GONE;
        e.result = undefined;
        this.admitted--;
      } else if (e.state !== GONE && (ordered || e.state === WAITING)) {
        break;
      }
      if (e.state === GONE && i === this.head) this.head++;
      i++;
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.nextAdmit = Math.max(0, this.nextAdmit - this.head);
      this.head = 0;
    }
  }
}

function describe(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 1000 ? `${s.slice(0, 1000)}...` : s;
}
