import { emitsUnmatched } from '../../functions/join-type.ts';
import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import { windowStart } from '../../window/time-window.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, WatermarkListener } from '../operator-capabilities.ts';
import { noTimestamp } from './interval-join-operator.ts';
import { JoinBuffer, type JoinEntry } from './join-buffer.ts';
import type { WindowJoinSpec } from './window-join-operator.ts';
import { failedAt } from '../operator-error.ts';
import { KeyedTimerJoin } from './keyed-timer-join.ts';

/**
 * A window join over tumbling or sliding event-time windows with its records in the keyed state
 * backend (heap or LMDB, checkpointed incrementally): each record is stored once per side, not
 * once per window. Each (key, window end - 1) has an event-time timer; when it fires, the records
 * of both sides whose time lies in that window meet (every left with every right; outer joins pair
 * a side with null when the other has nothing there), and the records whose last window has now
 * fired leave the state. A record is late when every window it belongs to has fired (or it
 * belongs to none, with gaps between sliding windows): side output, or dropped and counted.
 * Session windows, which merge, go through WindowJoinOperator instead.
 *
 * @example
 * new AlignedWindowJoinOperator({ leftKey, rightKey, assigner: TumblingEventTimeWindows.of(10_000), joinType: 'inner',
 *   leftLateTag: null, rightLateTag: null, fn: (l, r, _ctx, out) => out.collect([l, r]) }, new HeapStateBackend());
 */
export class AlignedWindowJoinOperator extends KeyedTimerJoin implements Operator<unknown, unknown>, WatermarkListener, LocalState, KeyedState {
  private ctx!: OperatorContext;
  private buffers!: [JoinBuffer, JoinBuffer];
  private readonly outer: [boolean, boolean];
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private wm = Number.NEGATIVE_INFINITY;
  private readonly collector = { collect: (value: unknown) => this.out.emit(value, this.time) };

  constructor(private readonly spec: WindowJoinSpec, readonly backend: KeyedStateBackend) {
    super();
    const a = spec.assigner;
    if ((a.kind !== 'tumbling' && a.kind !== 'sliding') || !a.isEventTime) throw new Error(`aligned window join needs tumbling or sliding event-time windows, got ${a.describe()}`);
    this.size = a.size;
    this.slide = a.slide;
    this.offset = a.offset;
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
    const { size, slide, offset } = this;
    const wm = (this.wm = this.ctx.currentWatermark());
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const t = batch.times[i];
        if (!Number.isFinite(t)) throw noTimestamp(this.ctx.name, side, t);
        // Windows [start, start + size) holding t, newest first; those whose end - 1 <= W have fired.
        const last = windowStart(t, slide, offset);
        if (last + size - 1 <= wm || last + size <= t) {
          this.late(side, v, t);
          continue;
        }
        const k = key(v);
        this.buffers[side].add(k, { t, v, m: false, at: 0 });
        for (let start = last; start > t - size && start + size - 1 > wm; start -= slide) this.timers.register(k, start + size - 1);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  onWatermark(wm: number): void {
    this.wm = wm;
    this.timers.fireUpTo(wm, (k, time) => this.fire(k, time));
  }

  /** The window ending at `time` + 1 of key `k` fires; then what no later window needs leaves. */
  private fire(k: Key, time: number): void {
    const end = time + 1;
    const start = end - this.size;
    const lefts = this.buffers[0].get(k);
    const rights = this.buffers[1].get(k);
    this.time = time;
    let nl = 0;
    let nr = 0;
    if (lefts !== undefined) for (const e of lefts) if (e.t >= start && e.t < end) nl++;
    if (rights !== undefined) for (const e of rights) if (e.t >= start && e.t < end) nr++;
    const fn = this.spec.fn;
    if (nl > 0 && nr > 0) {
      for (const l of lefts!) {
        if (l.t < start || l.t >= end) continue;
        this.lt = l.t;
        for (const r of rights!) {
          if (r.t < start || r.t >= end) continue;
          this.rt = r.t;
          fn(l.v, r.v, this, this.collector);
        }
      }
    } else if (nl > 0 && this.outer[0]) {
      this.rt = Number.NaN;
      for (const l of lefts!) {
        if (l.t < start || l.t >= end) continue;
        this.lt = l.t;
        fn(l.v, null, this, this.collector);
      }
    } else if (nr > 0 && this.outer[1]) {
      this.lt = Number.NaN;
      for (const r of rights!) {
        if (r.t < start || r.t >= end) continue;
        this.rt = r.t;
        fn(null, r.v, this, this.collector);
      }
    }
    this.evict(k, lefts, 0, time);
    this.evict(k, rights, 1, time);
  }

  /**
   * Drops the records whose newest window has fired: its end - 1 <= `time`, the window firing now
   * (not the watermark: the key's later windows up to the watermark fire after this one).
   */
  private evict(k: Key, list: JoinEntry[] | undefined, side: 0 | 1, time: number): void {
    if (list === undefined) return;
    const { size, slide, offset } = this;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (windowStart(e.t, slide, offset) + size - 1 > time) list[kept++] = e;
    }
    if (kept === list.length) return;
    list.length = kept;
    this.buffers[side].update(k, list);
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
}
