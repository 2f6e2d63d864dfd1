import type { Collector } from '../../functions/collector.ts';
import type { Key, KeySelector } from '../../functions/key.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { PatternContext, PatternProcessFunction } from '../../functions/pattern-function.ts';
import type { CepProgram } from '../../plan/cep-program.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import { TimerQueue } from '../../time/timer-queue.ts';
import { Nfa, type CepMatch, type NfaOutput } from '../../cep/nfa.ts';
import { initialKeyState, resetKeyState, type CepKeyState } from '../../cep/shared-buffer.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';

/**
 * What a CEP operator runs; the functions come from the user's pattern and builder calls.
 *
 * @example
 * const spec: CepSpec = { key: (a) => a.card, program, fn, timeDomain: 'event-time', lateTag: null };
 */
export interface CepSpec {
  readonly key: KeySelector;
  readonly program: CepProgram;
  readonly fn: PatternProcessFunction<unknown, unknown>;
  readonly timeDomain: 'event-time' | 'processing-time';
  readonly lateTag: OutputTag<unknown> | null;
}

/**
 * Pattern detection per key. In event time events wait, sorted by timestamp (arrival order among
 * equal ones), until the watermark passes them; then each goes to its key's NFA in that order, as
 * Flink's CepOperator feeds them: before each timestamp the key's NFA advances time to it (partial
 * matches that `within` has passed time out); once the events up to the watermark are in, the keys
 * whose partial matches time out by then advance to the watermark. Per key that is Flink's
 * sequence of steps; across keys the order is time order. Events at or behind the watermark on
 * arrival are late: to the side output, or dropped and counted. In processing time each event is
 * matched as it arrives, stamped with the clock.
 *
 * The waiting events are one queue for all keys (in the operator's snapshot), not a list per key
 * in keyed state: an event waits for one watermark step, and a per-key list and wake-up for each
 * cost more than the matching itself. They are bounded by the watermark's lag.
 *
 * State stays bounded: a key with partial matches has one timer, at the earliest time one of them
 * times out, so `within` prunes as the watermark passes, and a key left with nothing but the NFA's
 * start state leaves no state behind.
 *
 * @example
 * new CepOperator({ key: (a) => a.card, program, fn, timeDomain: 'event-time', lateTag: null }, new HeapStateBackend());
 */
export class CepOperator implements Operator<unknown, unknown>, PatternContext, Collector<unknown>, NfaOutput {
  private out!: Output<unknown>;
  private ctx!: OperatorContext;
  private nfa!: Nfa;
  private keyStates!: StateTable<CepKeyState>;
  /** Events waiting for the watermark, by time (arrival order among equal times). */
  private readonly waiting = new TimerQueue<unknown>();
  /** Time-out wake-ups by key; an entry is live only while `armed` still holds its time for the key. */
  private readonly timers = new TimerQueue<Key>();
  private readonly armed = new Map<Key, number>();
  /** Time of the output being produced. */
  private stamp = 0;
  private readonly eventTime: boolean;
  /** Totals over all keys, kept as keys change (restored from the snapshot). */
  private partials = 0;
  private held = 0;
  private restoredTimedOut = 0;
  /**
   * The state of a key that has none, reused while the events it sees start nothing (most events
   * of most patterns): a key's state is made only when it has a partial match to keep.
   */
  private fresh!: CepKeyState;
  /** Key states a key gave up (emptied), reused for the next keys that need one. */
  private readonly spares: CepKeyState[] = [];

  constructor(private readonly spec: CepSpec, readonly backend: KeyedStateBackend) {
    this.eventTime = spec.timeDomain === 'event-time';
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    const clock = ctx.clock;
    this.nfa = new Nfa(this.spec.program, typeof this.spec.fn.processTimedOutMatch === 'function', () => clock.now());
    this.nfa.timedOutCount = this.restoredTimedOut;
    this.fresh = initialKeyState(this.spec.program.start);
    this.keyStates = this.backend.table<CepKeyState>('nfa');
    this.publish();
    if (!this.eventTime) this.schedule();
  }

  process(batch: Batch<unknown>): void {
    const { values, times } = batch;
    const key = this.spec.key;
    if (!this.eventTime) {
      for (let i = 0, n = batch.length; i < n; i++) this.matchNow(key(values[i]), values[i]);
      this.schedule();
      this.publish();
      return;
    }
    const wm = this.ctx.currentWatermark();
    for (let i = 0, n = batch.length; i < n; i++) {
      const t = times[i];
      if (!Number.isFinite(t)) throw this.missingTimestamp(t);
      if (t <= wm) {
        this.late(values[i], t, wm);
        continue;
      }
      this.waiting.push(t, values[i]);
      this.held++;
    }
    this.publish();
  }

  onWatermark(wm: number): void {
    if (!this.eventTime) return;
    const waiting = this.waiting;
    const key = this.spec.key;
    while (waiting.size > 0 && waiting.peekTime() <= wm) {
      const t = waiting.peekTime();
      const value = waiting.pop();
      this.held--;
      this.feed(key(value), value, t);
    }
    const timers = this.timers;
    while (timers.size > 0 && timers.peekTime() <= wm) {
      const time = timers.peekTime();
      const k = timers.pop()!;
      if (this.armed.get(k) !== time) continue; // superseded by an earlier wake-up of the key
      this.armed.delete(k);
      const ks = this.keyStates.get(k);
      if (ks === undefined) continue;
      this.begin(ks);
      this.nfa.advanceTime(ks, wm, this);
      this.end(k, ks);
    }
    this.publish();
  }

  onProcessingTime(now: number): void {
    if (this.eventTime) return;
    const timers = this.timers;
    while (timers.size > 0 && timers.peekTime() <= now) {
      const time = timers.peekTime();
      const k = timers.pop()!;
      if (this.armed.get(k) !== time) continue;
      this.armed.delete(k);
      const ks = this.keyStates.get(k);
      if (ks === undefined) continue;
      this.begin(ks);
      this.nfa.advanceTime(ks, now, this);
      this.end(k, ks);
    }
    this.schedule();
    this.publish();
  }

  /** Processing time: the event is matched at once, stamped with the clock. */
  private matchNow(k: Key, value: unknown): void {
    this.feed(k, value, this.ctx.clock.now());
  }

  /** One event to its key's NFA: time advances to the event's, then the event goes in. */
  private feed(k: Key, value: unknown, t: number): void {
    const ks = this.keyStates.get(k) ?? this.fresh;
    this.begin(ks);
    this.nfa.advanceTime(ks, t, this);
    this.stamp = t;
    this.nfa.process(ks, value, t, this);
    this.end(k, ks);
  }

  /** Takes a key's counts out of the totals before its NFA runs. */
  private begin(ks: CepKeyState): void {
    this.partials -= Nfa.partialCount(ks);
    this.held -= ks.events.size;
  }

  /** Stores the key's NFA (or forgets a key left with nothing), puts its counts back, arms its next time-out. */
  private end(k: Key, ks: CepKeyState): void {
    if (this.nfa.isEmpty(ks)) {
      // Nothing but the start state: no branch holds any event any more (Flink keeps such a
      // key's state; here it goes, and the key starts afresh as one never seen).
      if (ks === this.fresh) resetKeyState(ks, this.spec.program.start);
      else {
        // The table no longer holds it (a checkpoint serializes at its cut, never later): reuse it.
        this.keyStates.delete(k);
        resetKeyState(ks, this.spec.program.start);
        if (this.spares.length < 1024) this.spares.push(ks);
      }
    } else {
      this.keyStates.put(k, ks);
      if (ks === this.fresh) this.fresh = this.spares.pop() ?? initialKeyState(this.spec.program.start);
      this.partials += Nfa.partialCount(ks);
      this.held += ks.events.size;
    }
    const next = this.nfa.nextTimeout(ks);
    if (next !== Number.POSITIVE_INFINITY) this.arm(k, next);
  }

  private arm(k: Key, time: number): void {
    const at = this.armed.get(k);
    if (at !== undefined && at <= time) return;
    this.armed.set(k, time);
    this.timers.push(time, k);
  }

  private schedule(): void {
    if (this.eventTime) return;
    const next = this.timers.peekTime();
    if (next !== Number.POSITIVE_INFINITY) this.ctx.requestProcessingTime(next);
  }

  private publish(): void {
    const m = this.ctx.metrics;
    m.partialMatches = this.partials;
    m.bufferedEvents = this.held;
    m.timedOutMatches = this.nfa.timedOutCount;
  }

  private late(value: unknown, t: number, wm: number): void {
    const tag = this.spec.lateTag;
    if (tag !== null) {
      this.ctx.metrics.lateToSideOutput++;
      this.out.emitSide(tag, value, t);
    } else {
      this.ctx.metrics.lateDropped++;
      this.ctx.sample('late', value, t, `dropped: at or behind the watermark (${wm}) when it reached pattern '${this.ctx.name}'`);
    }
  }

  private missingTimestamp(t: number): Error {
    return new Error(
      `record has no event timestamp (${t}) in pattern '${this.ctx.name}', which matches in event time: give its source a WatermarkStrategy ` +
        'with withTimestampAssigner(...) or call assignTimestampsAndWatermarks(...) before CEP.pattern, or match in processing time with .inProcessingTime()',
    );
  }

  // --- NfaOutput ---------------------------------------------------------------------------------

  match(match: CepMatch, time: number): void {
    this.stamp = time;
    this.spec.fn.processMatch(match, this, this);
  }

  timedOut(match: CepMatch, time: number): void {
    this.stamp = time;
    this.spec.fn.processTimedOutMatch!(match, this);
  }

  // --- PatternContext and Collector ----------------------------------------------------------------

  collect(value: unknown): void {
    this.out.emit(value, this.stamp);
  }
  timestamp(): number {
    return this.stamp;
  }
  currentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.out.emitSide(tag, value, this.stamp);
  }

  // --- checkpoints ---------------------------------------------------------------------------------

  snapshot(): unknown {
    // Live wake-ups in firing order, so a restored job wakes keys (and emits) in the same order.
    const timers: [Key, number][] = [];
    for (const { time, payload: k } of this.timers.entries()) if (this.armed.get(k) === time) timers.push([k, time]);
    const waiting: unknown[] = [];
    for (const { time, payload } of this.waiting.entries()) waiting.push(time, payload);
    return { timers, waiting, partials: this.partials, held: this.held, timedOut: this.nfa?.timedOutCount ?? 0 };
  }

  restore(state: unknown): void {
    const s = state as { timers: [Key, number][]; waiting: unknown[]; partials: number; held: number; timedOut: number };
    this.timers.clear();
    this.armed.clear();
    for (const [k, time] of s.timers) this.arm(k, time);
    this.waiting.clear();
    for (let i = 0; i < s.waiting.length; i += 2) this.waiting.push(s.waiting[i] as number, s.waiting[i + 1]);
    this.partials = s.partials;
    this.held = s.held;
    this.restoredTimedOut = s.timedOut;
  }

  close(): void {
    this.backend.close();
  }
}
