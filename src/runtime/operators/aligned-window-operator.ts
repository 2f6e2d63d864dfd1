import type { AggregateFunction } from '../../functions/aggregate-function.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import type { TimeWindow } from '../../window/time-window.ts';
import { gcd, windowStart } from '../../window/time-window.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, WatermarkListener } from '../operator-capabilities.ts';
import { missingTimestamp } from './window-errors.ts';
import { failedAt } from '../operator-error.ts';

/** Configuration of an aligned (tumbling or sliding) event-time window aggregation. */
export interface AlignedWindowSpec<T, ACC, O> {
  readonly key: (value: T) => Key;
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  readonly allowedLateness: number;
  readonly lateTag: OutputTag<T> | null;
  readonly agg: AggregateFunction<T, ACC, unknown>;
  readonly emit: { emit(key: Key, window: TimeWindow, result: unknown): O }['emit'];
  /**
   * An on-disk keyed state backend (LMDB) to keep the panes in, a table per pane, so that they are
   * bounded by disk rather than memory and checkpointed incrementally with it; null keeps them in
   * Maps (the fastest path, checkpointed whole with the operator).
   */
  readonly store?: KeyedStateBackend | null;
}

/** What the operator needs of a pane: a Map, or a backend table behind the same four calls. */
interface Pane<ACC> extends Iterable<[Key, ACC]> {
  get(key: Key): ACC | undefined;
  set(key: Key, acc: ACC): unknown;
  entries(): IterableIterator<[Key, ACC]>;
}

/** A pane kept in a backend table, named after its start. */
class TablePane<ACC> implements Pane<ACC> {
  constructor(readonly table: StateTable<ACC>) {}
  get(key: Key): ACC | undefined {
    return this.table.get(key);
  }
  set(key: Key, acc: ACC): void {
    this.table.put(key, acc);
  }
  entries(): IterableIterator<[Key, ACC]> {
    return this.table.entries();
  }
  [Symbol.iterator](): IterableIterator<[Key, ACC]> {
    return this.table.entries();
  }
}

const paneTable = (start: number) => `pane:${start}`;

/**
 * Tumbling and sliding event-time windows with the default trigger, aggregated incrementally into
 * panes of gcd(size, slide): each record touches one accumulator, however many windows it belongs
 * to, and a window's result is the merge of its panes when it fires. Windows share boundaries
 * across keys, so firing walks panes in time order instead of per-key timers.
 *
 * @example
 * new AlignedWindowOperator({ key: (c) => c.page, size: 60_000, slide: 60_000, offset: 0,
 *   allowedLateness: 0, lateTag: null, agg: Aggregates.count(), emit: (key, w, value) => ({ key, ...w, value }) });
 */
export class AlignedWindowOperator<T, ACC, O> implements Operator<T, O>, WatermarkListener, LocalState, KeyedState {
  private out!: Output<O>;
  private ctx!: OperatorContext;
  private readonly pane: number;
  private readonly panes = new Map<number, Pane<ACC>>();
  /** Pane starts in ascending order. */
  private starts: number[] = [];
  /** Every window with end <= firedUpTo has fired. */
  private firedUpTo = Number.NEGATIVE_INFINITY;
  private lastPaneStart = Number.NaN;
  private lastPane: Pane<ACC> | null = null;
  /** The backend that holds the panes: the checkpoint coordinator snapshots it as keyed state. */
  readonly backend: KeyedStateBackend | undefined;
  /** Panes restored into a job whose backend holds them: moved into it at open(). */
  private restoredPanes: [number, [Key, ACC][]][] = [];

  constructor(private readonly spec: AlignedWindowSpec<T, ACC, O>) {
    this.pane = gcd(spec.size, spec.slide);
    this.backend = spec.store ?? undefined;
  }

  open(ctx: OperatorContext, out: Output<O>): void {
    this.ctx = ctx;
    this.out = out;
    const store = this.backend;
    if (store === undefined) return;
    // Table handles are taken now: the backend was restored (which replaces them) before open().
    this.panes.clear();
    this.lastPane = null;
    this.lastPaneStart = Number.NaN;
    for (const s of this.starts) this.panes.set(s, new TablePane(store.table<ACC>(paneTable(s))));
    // A checkpoint taken with the panes in memory: they move into the backend.
    for (const [s, entries] of this.restoredPanes) {
      const pane = this.panes.get(s)!;
      for (const [k, acc] of entries) pane.set(k, acc);
    }
    this.restoredPanes = [];
  }

  process(batch: Batch<T>): void {
    const { key, size, slide, offset, allowedLateness, agg } = this.spec;
    const wm = this.ctx.currentWatermark();
    // Records older than this belong to windows that have fired: they fire again (late firing).
    const refireBelow = this.firedEndFor(wm);
    const tumbling = this.pane === slide;
    const values = batch.values;
    const times = batch.times;
    // Consecutive records mostly fall in the same pane, and every record of a pane has the same
    // windows: the two modulo operations are only redone when a record leaves [lo, hi).
    const paneSize = this.pane;
    let lo = Number.NaN;
    let hi = Number.NaN;
    let lastStart = 0;
    let ps = 0;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = values[i];
        const ts = times[i];
        if (!(ts >= lo && ts < hi)) {
          lastStart = windowStart(ts, slide, offset);
          ps = tumbling ? lastStart : windowStart(ts, paneSize, offset);
          lo = ps;
          hi = ps + paneSize;
        }
        // A record in no window (a gap between windows when size < slide) is reported like a late
        // one, as the generic WindowOperator does, rather than lost in a pane no window reads.
        if (!(lastStart + size - 1 + allowedLateness > wm) || lastStart + size <= ts) {
          if (!Number.isFinite(ts)) throw missingTimestamp(this.ctx.name, ts);
          this.late(v, ts);
          continue;
        }
        let pane = this.lastPane;
        if (ps !== this.lastPaneStart || pane === null) {
          pane = this.panes.get(ps) ?? this.newPane(ps);
          this.lastPane = pane;
          this.lastPaneStart = ps;
        }
        const k = key(v);
        const acc = pane.get(k);
        pane.set(k, agg.add(v, acc === undefined ? agg.createAccumulator() : acc));
        if (ts < refireBelow) this.refire(k, ts, wm);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  onWatermark(wm: number): void {
    for (;;) {
      // The earliest unfired window that holds data starts at the first pane with unfired windows.
      let p = 0;
      while (p < this.starts.length && this.lastEnd(this.starts[p]) <= this.firedUpTo) p++;
      if (p === this.starts.length) break;
      const end = this.firstEndAfter(Math.max(this.firedUpTo, this.starts[p]));
      if (!(end - 1 <= wm)) break;
      this.fireWindow(end);
      this.firedUpTo = end;
    }
    // Every window ending at or before the watermark has now fired, with data or without.
    const done = this.firedEndFor(wm);
    if (done > this.firedUpTo) this.firedUpTo = done;
    this.purge(wm);
  }

  /** Closes the backend holding the window contents, if any. */
  close(): void {
    this.backend?.close();
  }

  /** The panes with their accumulators, or only their starts when the backend holds them. */
  snapshot(): unknown {
    if (this.backend !== undefined) return { firedUpTo: this.firedUpTo, starts: this.starts };
    return { firedUpTo: this.firedUpTo, panes: this.starts.map((s) => [s, [...this.panes.get(s)!.entries()]]) };
  }

  restore(state: unknown): void {
    const s = state as { firedUpTo: number | null; panes?: [number, [Key, ACC][]][]; starts?: number[] };
    this.firedUpTo = s.firedUpTo ?? Number.NEGATIVE_INFINITY;
    this.panes.clear();
    this.starts = [];
    this.restoredPanes = [];
    if (s.panes === undefined) {
      if (this.backend === undefined) {
        throw new Error('this checkpoint keeps the window panes in an on-disk state backend (LMDB); restore it into a job with that backend');
      }
      this.starts = [...(s.starts ?? [])];
    } else {
      for (const [start, entries] of s.panes) {
        this.starts.push(start);
        if (this.backend === undefined) this.panes.set(start, new Map(entries));
        else this.restoredPanes.push([start, entries]);
      }
    }
    this.lastPane = null;
    this.lastPaneStart = Number.NaN;
  }

  private late(v: T, ts: number): void {
    const tag = this.spec.lateTag;
    if (tag !== null) {
      this.ctx.metrics.lateToSideOutput++;
      this.out.emitSide(tag, v, ts);
      // Eddy's own tags (a window join's) carry wrapped records: their operator samples the record itself.
      if (!tag.id.startsWith('__')) this.ctx.sample('late', v, ts, `sent to side output '${tag.id}': its windows had closed (watermark ${this.ctx.currentWatermark()})`);
    } else {
      this.ctx.metrics.lateDropped++;
      this.ctx.sample('late', v, ts, `dropped: its windows had closed (watermark ${this.ctx.currentWatermark()})`);
    }
  }

  private newPane(ps: number): Pane<ACC> {
    const pane: Pane<ACC> = this.backend === undefined ? new Map<Key, ACC>() : new TablePane(this.backend.table<ACC>(paneTable(ps)));
    this.panes.set(ps, pane);
    const starts = this.starts;
    if (starts.length === 0 || starts[starts.length - 1] < ps) starts.push(ps);
    else starts.splice(this.firstStartAtOrAfter(ps), 0, ps);
    return pane;
  }

  /** Largest aligned window end e with e - 1 <= wm: windows ending there or before have fired. */
  private firedEndFor(wm: number): number {
    if (wm === Number.NEGATIVE_INFINITY || wm === Number.POSITIVE_INFINITY) return wm;
    const { size, slide, offset } = this.spec;
    return windowStart(wm + 1, slide, (offset + size) % slide);
  }

  /** End of the last window that contains pane start ps. */
  private lastEnd(ps: number): number {
    return windowStart(ps, this.spec.slide, this.spec.offset) + this.spec.size;
  }

  /** Smallest window end strictly greater than t. */
  private firstEndAfter(t: number): number {
    const { size, slide, offset } = this.spec;
    return windowStart(t, slide, (offset + size) % slide) + slide;
  }

  /** Index of the first pane start >= t. */
  private firstStartAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private fireWindow(end: number): void {
    const { size, agg, emit } = this.spec;
    const window: TimeWindow = { start: end - size, end };
    const from = this.firstStartAtOrAfter(end - size);
    let to = from;
    while (to < this.starts.length && this.starts[to] < end) to++;
    if (to === from) return;
    if (to - from === 1) {
      for (const [k, acc] of this.panes.get(this.starts[from])!) this.out.emit(emit(k, window, agg.getResult(acc)), end - 1);
      return;
    }
    const merged = new Map<Key, ACC>();
    for (let p = from; p < to; p++) {
      for (const [k, acc] of this.panes.get(this.starts[p])!) {
        const prev = merged.get(k);
        merged.set(k, agg.merge(prev === undefined ? agg.createAccumulator() : prev, acc));
      }
    }
    for (const [k, acc] of merged) this.out.emit(emit(k, window, agg.getResult(acc)), end - 1);
  }

  /** Re-emits, for one key, every window of `ts` that has fired but is not expired. */
  private refire(k: Key, ts: number, wm: number): void {
    const { size, slide, offset, allowedLateness, agg, emit } = this.spec;
    for (let start = windowStart(ts, slide, offset); start > ts - size; start -= slide) {
      const end = start + size;
      if (end - 1 > wm || end - 1 + allowedLateness <= wm) continue;
      let acc: ACC | undefined;
      for (let p = this.firstStartAtOrAfter(start); p < this.starts.length && this.starts[p] < end; p++) {
        const a = this.panes.get(this.starts[p])!.get(k);
        if (a !== undefined) acc = agg.merge(acc === undefined ? agg.createAccumulator() : acc, a);
      }
      if (acc !== undefined) this.out.emit(emit(k, { start, end }, agg.getResult(acc)), end - 1);
    }
  }

  /** Drops panes whose every window has passed its allowed lateness. */
  private purge(wm: number): void {
    const allowedLateness = this.spec.allowedLateness;
    let drop = 0;
    while (drop < this.starts.length) {
      const ps = this.starts[drop];
      const lastEnd = this.lastEnd(ps);
      if (lastEnd - 1 + allowedLateness > wm || lastEnd > this.firedUpTo) break;
      this.panes.delete(ps);
      this.backend?.dropTable(paneTable(ps));
      if (ps === this.lastPaneStart) this.lastPane = null;
      drop++;
    }
    if (drop > 0) this.starts = this.starts.slice(drop);
  }
}
