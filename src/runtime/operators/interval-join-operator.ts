import { emitsUnmatched, type JoinFn, type JoinType } from '../../functions/join-type.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { Key, KeySelector } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import { TimerHeap } from '../../time/timer-heap.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, WatermarkListener } from '../operator-capabilities.ts';
import { JoinBuffer, type JoinEntry } from './join-buffer.ts';
import { failedAt } from '../operator-error.ts';
import { JoinContextBase } from './join-context-base.ts';

/** Configuration of an interval join: inclusive bounds on rightTs - leftTs. */
export interface IntervalJoinSpec {
  readonly leftKey: KeySelector;
  readonly rightKey: KeySelector;
  readonly lower: number;
  readonly upper: number;
  readonly joinType: JoinType;
  readonly leftLateTag: OutputTag<unknown> | null;
  readonly rightLateTag: OutputTag<unknown> | null;
  readonly fn: JoinFn;
}

/**
 * Joins a left record at tl with every right record of the same key at tr where
 * tl + lower <= tr <= tl + upper (Flink's interval join). Both sides wait in keyed state until the
 * watermark makes a match impossible: a left record until W >= tl + upper, a right one until
 * W >= tr - lower, when an event-time timer evicts them (and an outer join emits them with null
 * for the other side if nothing matched, timestamped with that eviction time so they are not late
 * downstream). A record with ts <= W on arrival is late: side output or dropped and counted.
 * Matches are timestamped max(tl, tr).
 *
 * @example
 * new IntervalJoinOperator({ leftKey, rightKey, lower: -5_000, upper: 10_000, joinType: 'inner',
 *   leftLateTag: null, rightLateTag: null, fn: (l, r, _ctx, out) => out.collect([l, r]) }, new HeapStateBackend());
 */
export class IntervalJoinOperator extends JoinContextBase implements Operator<unknown, unknown>, WatermarkListener, LocalState, KeyedState {
  private ctx!: OperatorContext;
  /** Cleanup timers by time; an entry is live only while `armed` still holds its time for the key. */
  private readonly timers = new TimerHeap<Key>();
  /** Per key, its one live cleanup timer: the earliest expiry of its records (not one per record). */
  private readonly armed = new Map<Key, number>();
  /** Over the backend's tables, taken at open (a restore replaces the tables). */
  private buffers!: [JoinBuffer, JoinBuffer];
  private readonly outer: [boolean, boolean];
  private wm = Number.NEGATIVE_INFINITY;
  private readonly collector = { collect: (value: unknown) => this.out.emit(value, this.time) };

  constructor(private readonly spec: IntervalJoinSpec, readonly backend: KeyedStateBackend) {
    super();
    if (!(spec.lower <= spec.upper)) throw new Error(`interval join bounds: lower (${spec.lower}) must be <= upper (${spec.upper})`);
    this.outer = [emitsUnmatched(spec.joinType, 0), emitsUnmatched(spec.joinType, 1)];
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    this.buffers = [new JoinBuffer(this.backend.table<JoinEntry[]>('left')), new JoinBuffer(this.backend.table<JoinEntry[]>('right'))];
  }

  process(batch: Batch<unknown>, input: number): void {
    const side = input === 0 ? 0 : 1;
    const key = side === 0 ? this.spec.leftKey : this.spec.rightKey;
    this.wm = this.ctx.currentWatermark();
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const t = batch.times[i];
        if (!Number.isFinite(t)) throw noTimestamp(this.ctx.name, side, t);
        if (t <= this.wm) {
          this.late(side, v, t);
          continue;
        }
        this.onRecord(side, key(v), v, t);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  private onRecord(side: 0 | 1, k: Key, v: unknown, t: number): void {
    const { lower, upper } = this.spec;
    const other = this.buffers[1 - side];
    const list = other.get(k);
    let matched = false;
    if (list !== undefined) {
      let changed = false;
      for (let j = 0; j < list.length; j++) {
        const e = list[j];
        const d = side === 0 ? e.t - t : t - e.t; // rightTs - leftTs
        if (d < lower || d > upper) continue;
        matched = true;
        if (!e.m) {
          e.m = true;
          changed ||= this.outer[1 - side];
        }
        if (side === 0) this.emit(v, e.v, t, e.t);
        else this.emit(e.v, v, e.t, t);
      }
      if (changed) other.update(k, list);
    }
    // Kept while a record of the other side could still match: those have ts > W.
    const expires = side === 0 ? t + upper : t - lower;
    if (expires > this.wm) {
      this.buffers[side].add(k, { t, v, m: matched, at: 0 });
      this.arm(k, expires);
    } else if (!matched && this.outer[side]) {
      this.unmatched(side, v, t, t);
    }
  }

  onWatermark(wm: number): void {
    this.wm = wm;
    const timers = this.timers;
    while (timers.size > 0 && timers.peekTime() <= wm) {
      const time = timers.peekTime();
      const k = timers.pop()!;
      if (this.armed.get(k) !== time) continue; // superseded by an earlier timer of the key
      this.armed.delete(k);
      this.evict(k);
    }
  }

  private arm(k: Key, time: number): void {
    const at = this.armed.get(k);
    if (at !== undefined && at <= time) return;
    this.armed.set(k, time);
    this.timers.push(time, k);
  }

  /**
   * Evicts every record of the key whose last chance to match has passed at the watermark (all of
   * them at once, so a key wakes once per watermark step), and arms a timer for the next one.
   */
  private evict(k: Key): void {
    const { lower, upper } = this.spec;
    const wm = this.wm;
    let next = Number.POSITIVE_INFINITY;
    for (let side = 0 as 0 | 1; side <= 1; side++) {
      const list = this.buffers[side].get(k);
      if (list === undefined) continue;
      const shift = side === 0 ? upper : -lower;
      const outer = this.outer[side];
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        const expires = e.t + shift;
        if (expires > wm) {
          list[kept++] = e;
          if (expires < next) next = expires;
        } else if (outer && !e.m) {
          this.unmatched(side, e.v, e.t, Math.max(e.t, expires));
        }
      }
      if (kept < list.length) {
        list.length = kept;
        this.buffers[side].update(k, list);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(k, next);
  }

  private emit(l: unknown, r: unknown, lt: number, rt: number): void {
    this.lt = lt;
    this.rt = rt;
    this.time = lt > rt ? lt : rt;
    this.spec.fn(l, r, this, this.collector);
  }

  private unmatched(side: 0 | 1, v: unknown, t: number, time: number): void {
    this.lt = side === 0 ? t : Number.NaN;
    this.rt = side === 1 ? t : Number.NaN;
    this.time = time;
    if (side === 0) this.spec.fn(v, null, this, this.collector);
    else this.spec.fn(null, v, this, this.collector);
  }

  private late(side: 0 | 1, v: unknown, t: number): void {
    const tag = side === 0 ? this.spec.leftLateTag : this.spec.rightLateTag;
    const where = `${side === 0 ? 'left' : 'right'} record`;
    if (tag === null) {
      this.ctx.metrics.lateDropped++;
      this.ctx.sample('late', v, t, `${where} dropped: no match can come any more (watermark ${this.ctx.currentWatermark()})`);
    } else {
      this.ctx.metrics.lateToSideOutput++;
      this.out.emitSide(tag, v, t);
      this.ctx.sample('late', v, t, `${where} sent to side output '${tag.id}': no match can come any more (watermark ${this.ctx.currentWatermark()})`);
    }
  }

  snapshot(): unknown {
    // The live timers in firing order, so that a restored job evicts (and emits) in the same order.
    const timers: [Key, number][] = [];
    for (const { time, payload: k } of this.timers.entries()) if (this.armed.get(k) === time) timers.push([k, time]);
    return { timers };
  }

  restore(state: unknown): void {
    this.timers.clear();
    this.armed.clear();
    for (const [k, time] of (state as { timers: [Key, number][] }).timers) this.arm(k, time);
  }

  close(): void {
    this.backend.close();
  }
}

/**
 * The error for a record without a usable event timestamp in an event-time join.
 *
 * @example
 * throw noTimestamp('click-to-checkout', 0, Number.NaN);
 */
export function noTimestamp(operator: string, side: 0 | 1, ts: number): Error {
  return new Error(
    `${side === 0 ? 'left' : 'right'} record has no event timestamp (${ts}) in event-time join '${operator}': give its source a ` +
      'WatermarkStrategy with withTimestampAssigner(...) or call assignTimestampsAndWatermarks(...) before the join',
  );
}
