import { emitsUnmatched, type JoinFn, type JoinType } from '../../functions/join-type.ts';
import type { Key, KeySelector } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, ProcessingTimeListener, WatermarkListener } from '../operator-capabilities.ts';
import { JoinBuffer, type JoinEntry } from './join-buffer.ts';
import { failedAt } from '../operator-error.ts';
import { KeyedTimerJoin } from './keyed-timer-join.ts';

/** Configuration of a regular join; `ttlMs` null keeps every record for good. */
export interface RegularJoinSpec {
  readonly leftKey: KeySelector;
  readonly rightKey: KeySelector;
  readonly ttlMs: number | null;
  readonly joinType: JoinType;
  readonly fn: JoinFn;
}

/**
 * An unbounded equi-join (Flink SQL's regular join without retractions): every record is kept in
 * keyed state and joins every record of the other side with the same key, whichever arrives first.
 * With a TTL a record leaves the state `ttlMs` of processing time after it arrived (as Flink's
 * `table.exec.state.ttl`), so state stays bounded; an outer join emits a record that never matched
 * when it leaves (with null for the other side), and at the end of input every record left does.
 * Event time plays no part: no record is late; matches are timestamped max(leftTs, rightTs).
 *
 * @example
 * new RegularJoinOperator({ leftKey, rightKey, ttlMs: 3_600_000, joinType: 'inner',
 *   fn: (p, a, _ctx, out) => out.collect({ ...p, ...a }) }, new HeapStateBackend());
 */
export class RegularJoinOperator extends KeyedTimerJoin implements Operator<unknown, unknown>, WatermarkListener, ProcessingTimeListener, LocalState, KeyedState {
  private ctx!: OperatorContext;
  /** Over the backend's tables, taken at open (a restore replaces the tables). */
  private buffers!: [JoinBuffer, JoinBuffer];
  private readonly outer: [boolean, boolean];
  private now = 0;
  private readonly collector = { collect: (value: unknown) => this.out.emit(value, this.time) };
  private readonly expired = (e: JoinEntry) => e.at + this.spec.ttlMs! <= this.now;
  private readonly gone = [(e: JoinEntry) => this.left(0, e), (e: JoinEntry) => this.left(1, e)] as const;

  constructor(private readonly spec: RegularJoinSpec, readonly backend: KeyedStateBackend) {
    super();
    if (spec.ttlMs !== null && !(spec.ttlMs > 0)) throw new Error(`regular join TTL must be > 0 ms, got ${spec.ttlMs}`);
    this.outer = [emitsUnmatched(spec.joinType, 0), emitsUnmatched(spec.joinType, 1)];
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    this.buffers = [new JoinBuffer(this.backend.table<JoinEntry[]>('left')), new JoinBuffer(this.backend.table<JoinEntry[]>('right'))];
    this.schedule();
  }

  process(batch: Batch<unknown>, input: number): void {
    const side = input === 0 ? 0 : 1;
    const key = side === 0 ? this.spec.leftKey : this.spec.rightKey;
    const ttl = this.spec.ttlMs;
    this.now = this.ctx.clock.now();
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const t = batch.times[i];
        const k = key(v);
        if (ttl !== null) this.expire(k); // records past their TTL must not match, timer or not
        const matched = this.match(side, k, v, t);
        this.buffers[side].add(k, { t, v, m: matched, at: this.now });
        if (ttl !== null) this.timers.register(k, this.now + ttl);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
    this.schedule();
  }

  private match(side: 0 | 1, k: Key, v: unknown, t: number): boolean {
    const other = this.buffers[1 - side];
    const list = other.get(k);
    if (list === undefined || list.length === 0) return false;
    let changed = false;
    for (let j = 0; j < list.length; j++) {
      const e = list[j];
      if (!e.m) {
        e.m = true;
        changed ||= this.outer[1 - side];
      }
      if (side === 0) this.emit(v, e.v, t, e.t);
      else this.emit(e.v, v, e.t, t);
    }
    if (changed) other.update(k, list);
    return true;
  }

  private expire(k: Key): void {
    this.buffers[0].evict(k, this.expired, this.gone[0]);
    this.buffers[1].evict(k, this.expired, this.gone[1]);
  }

  onProcessingTime(now: number): void {
    this.now = now;
    this.timers.fireUpTo(now, (k) => this.expire(k));
    this.schedule();
  }

  onWatermark(wm: number): void {
    if (wm !== Number.POSITIVE_INFINITY) return;
    // End of input: every record leaves the state now; outer joins emit the ones never matched.
    this.now = Number.POSITIVE_INFINITY;
    this.timers.restore([]);
    for (const side of [0, 1] as const) {
      const table = this.buffers[side].table;
      if (this.outer[side]) for (const [, list] of table.entries()) for (const e of list) this.left(side, e);
      for (const k of [...table.keys()]) table.delete(k);
    }
  }

  /** A record leaves the state: an outer join emits it if it never matched. */
  private left(side: 0 | 1, e: JoinEntry): void {
    if (e.m || !this.outer[side]) return;
    this.lt = side === 0 ? e.t : Number.NaN;
    this.rt = side === 1 ? e.t : Number.NaN;
    this.time = e.t;
    if (side === 0) this.spec.fn(e.v, null, this, this.collector);
    else this.spec.fn(null, e.v, this, this.collector);
  }

  private emit(l: unknown, r: unknown, lt: number, rt: number): void {
    this.lt = lt;
    this.rt = rt;
    this.time = lt > rt ? lt : rt;
    this.spec.fn(l, r, this, this.collector);
  }

  private schedule(): void {
    const next = this.timers.nextTime();
    if (next !== Number.POSITIVE_INFINITY) this.ctx.requestProcessingTime(next);
  }
}
