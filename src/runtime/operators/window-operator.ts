import type { Collector } from '../../functions/collector.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { AggregateFunction } from '../../functions/aggregate-function.ts';
import type { WindowFunctionSpec } from '../../plan/node.ts';
import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import { TimerHeap } from '../../time/timer-heap.ts';
import type { Evictor } from '../../window/evictor.ts';
import { maxTimestamp, type TimeWindow } from '../../window/time-window.ts';
import { type Trigger, type TriggerContext, TriggerResult } from '../../window/trigger.ts';
import type { WindowAssigner } from '../../window/window-assigner.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, ProcessingTimeListener, WatermarkListener } from '../operator-capabilities.ts';
import { missingTimestamp } from './window-errors.ts';
import { windowState, type WindowState } from './window-state.ts';
import { failedAt } from '../operator-error.ts';

/** A window node's function, with the aggregate function instance of this task. */
export type WindowFunction =
  | { readonly type: 'aggregate'; readonly agg: AggregateFunction<unknown, unknown, unknown>; readonly emit: Extract<WindowFunctionSpec, { type: 'aggregate' }>['emit'] }
  | Extract<WindowFunctionSpec, { type: 'process' }>;

/** Configuration of the generic window operator. */
export interface WindowOperatorSpec<T> {
  readonly key: (value: T) => Key;
  readonly assigner: WindowAssigner<T>;
  readonly trigger: Trigger<T>;
  readonly evictor: Evictor | null;
  readonly allowedLateness: number;
  readonly lateTag: OutputTag<T> | null;
  readonly fn: WindowFunction;
  /**
   * An on-disk keyed state backend (LMDB) to keep window contents in, so that they are bounded by
   * disk rather than memory and checkpointed incrementally with it; null keeps them in memory.
   */
  readonly store?: KeyedStateBackend | null;
}

/** The backend table holding window contents (accumulator, or [elements, times]) by slot. */
const CONTENTS = 'window-contents';

interface Timer {
  readonly ws: WindowState;
  readonly time: number;
}

/**
 * Any window assigner with any trigger (Flink's WindowOperator): per (key, window) state, timers
 * from the trigger, merging for session windows, evictors, allowed lateness with late firings
 * and cleanup, processing-time windows. Aligned event-time windows with the default trigger take
 * the faster AlignedWindowOperator instead.
 *
 * @example
 * new WindowOperator({ key: (e) => e.user, assigner: EventTimeSessionWindows.withGap(1_800_000),
 *   trigger: EventTimeTrigger.create(), evictor: null, allowedLateness: 0, lateTag: null, fn });
 */
export class WindowOperator<T> implements Operator<T, unknown>, WatermarkListener, ProcessingTimeListener, LocalState, KeyedState, TriggerContext, Collector<unknown> {
  private out!: Output<unknown>;
  private ctx!: OperatorContext;
  /**
   * Non-merging: key -> window end -> state (by end: cumulative windows share their start, and no
   * two windows of one assigner share an end). Merging: key -> states sorted by start.
   */
  private readonly byKey = new Map<Key, Map<number, WindowState>>();
  private readonly sessions = new Map<Key, WindowState[]>();
  private readonly etHeap = new TimerHeap<Timer>();
  private readonly ptHeap = new TimerHeap<Timer>();
  private readonly assigned: TimeWindow[] = [];
  private readonly keepElements: boolean;
  private cur: WindowState | null = null;
  private mergeStates: unknown[] = [];
  private emitTime = 0;
  private wm = Number.NEGATIVE_INFINITY;
  private now = 0;
  /** The contents table of an on-disk backend (taken in open(): a restore replaces the handles). */
  private contents: StateTable<unknown> | null = null;
  /** Next slot for a window's contents in `contents`. */
  private nextSlot = 0;
  /** The backend that holds the contents: the checkpoint coordinator snapshots it as keyed state. */
  readonly backend: KeyedStateBackend | undefined;

  constructor(private readonly spec: WindowOperatorSpec<T>) {
    this.keepElements = spec.fn.type === 'process' || spec.evictor !== null;
    this.backend = spec.store ?? undefined;
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    if (this.backend !== undefined) {
      this.contents = this.backend.table(CONTENTS);
      // Windows restored from a checkpoint taken with the contents in memory move to the backend.
      for (const ws of this.liveWindows()) {
        if (ws.slot >= 0) continue;
        ws.slot = this.nextSlot++;
        this.save(ws);
      }
    }
    this.requestPt(); // timers restored from a checkpoint
  }

  process(batch: Batch<T>): void {
    const { assigner, key } = this.spec;
    this.wm = this.ctx.currentWatermark();
    this.now = this.ctx.clock.now();
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = batch.values[i];
        const ts = assigner.isEventTime ? batch.times[i] : this.now;
        if (assigner.isEventTime && !Number.isFinite(ts) && assigner.kind !== 'global') throw missingTimestamp(this.ctx.name, ts);
        const k = key(v);
        this.assigned.length = 0;
        assigner.assignWindows(v, ts, this.assigned);
        let accepted = false;
        for (const w of this.assigned) {
          const ws = assigner.isMerging ? this.mergeInto(k, w) : this.stateFor(k, w);
          if (ws === null || this.isLate(ws.window)) continue;
          accepted = true;
          this.add(ws, v, batch.times[i]);
          this.cur = ws;
          const r = this.spec.trigger.onElement(v, ts, ws.window, this);
          this.act(ws, r);
          this.registerCleanup(ws);
        }
        if (!accepted) this.late(v, batch.times[i]);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
    this.requestPt();
  }

  onWatermark(wm: number): void {
    this.wm = wm;
    this.now = this.ctx.clock.now();
    while (this.etHeap.size > 0 && this.etHeap.peekTime() <= wm) {
      const t = this.etHeap.pop()!;
      if (!t.ws.live) continue;
      const cleanup = this.cleanupTime(t.ws.window);
      const registered = removeFrom(t.ws.etTimers, t.time);
      if (registered) {
        this.cur = t.ws;
        this.act(t.ws, this.spec.trigger.onEventTime(t.time, t.ws.window, this));
      }
      if (t.ws.live && this.spec.assigner.isEventTime && t.time >= cleanup) this.dispose(t.ws);
    }
    if (wm === Number.POSITIVE_INFINITY) this.onProcessingTime(Number.POSITIVE_INFINITY);
  }

  onProcessingTime(now: number): void {
    this.now = now;
    while (this.ptHeap.size > 0 && this.ptHeap.peekTime() <= now) {
      const t = this.ptHeap.pop()!;
      if (!t.ws.live) continue;
      const registered = removeFrom(t.ws.ptTimers, t.time);
      if (registered) {
        this.cur = t.ws;
        this.act(t.ws, this.spec.trigger.onProcessingTime(t.time, t.ws.window, this));
      }
      if (t.ws.live && !this.spec.assigner.isEventTime && t.time >= this.cleanupTime(t.ws.window)) this.dispose(t.ws);
    }
    if (now !== Number.POSITIVE_INFINITY) this.requestPt();
  }

  /** Closes the backend holding the window contents, if any. */
  close(): void {
    this.backend?.close();
  }

  /**
   * Every live window with its contents (unless the backend holds them) and trigger state, and
   * the timers in firing order.
   */
  snapshot(): unknown {
    const windows = this.liveWindows();
    const index = new Map(windows.map((w, i) => [w, i]));
    const order = (heap: TimerHeap<Timer>) => heap.entries()
      .filter((e) => e.payload.ws.live && index.has(e.payload.ws))
      .map((e): [number, number] => [index.get(e.payload.ws)!, e.time]);
    return { windows, et: order(this.etHeap), pt: order(this.ptHeap), nextSlot: this.nextSlot };
  }

  restore(state: unknown): void {
    const s = state as { windows: WindowState[]; et: [number, number][]; pt: [number, number][]; nextSlot?: number };
    if (this.backend === undefined && s.windows.some((w) => (w.slot ?? -1) >= 0)) {
      throw new Error('this checkpoint keeps the window contents in an on-disk state backend (LMDB); restore it into a job with that backend');
    }
    for (const w of s.windows) w.slot ??= -1; // checkpoints from before slots
    this.nextSlot = s.nextSlot ?? 0;
    this.byKey.clear();
    this.sessions.clear();
    this.etHeap.clear();
    this.ptHeap.clear();
    for (const ws of s.windows) {
      if (this.spec.assigner.isMerging) {
        let list = this.sessions.get(ws.key);
        if (list === undefined) this.sessions.set(ws.key, (list = []));
        list.push(ws);
      } else {
        let m = this.byKey.get(ws.key);
        if (m === undefined) this.byKey.set(ws.key, (m = new Map()));
        m.set(ws.window.end, ws);
      }
    }
    // Same firing order as before the snapshot (entries for deleted timers are skipped when they fire).
    for (const [i, time] of s.et) this.etHeap.push(time, { ws: s.windows[i], time });
    for (const [i, time] of s.pt) this.ptHeap.push(time, { ws: s.windows[i], time });
    for (const list of this.sessions.values()) list.sort((a, b) => a.window.start - b.window.start);
  }

  // --- per-window state --------------------------------------------------------------------------

  private liveWindows(): WindowState[] {
    const windows: WindowState[] = [];
    for (const m of this.byKey.values()) for (const ws of m.values()) windows.push(ws);
    for (const list of this.sessions.values()) windows.push(...list);
    return windows;
  }

  /** A new window state; with an on-disk backend, its contents get a slot there. */
  private newWindow(k: Key, w: TimeWindow): WindowState {
    return windowState(k, w, this.keepElements && this.contents === null, this.contents === null ? -1 : this.nextSlot++);
  }

  /** Brings a window's contents in from the backend (no-op when they live in memory). */
  private load(ws: WindowState): void {
    if (ws.slot < 0) return;
    const c = this.contents!.get(ws.slot);
    if (this.keepElements) {
      const [elements, times] = (c as [unknown[], number[]] | undefined) ?? [[], []];
      ws.elements = elements;
      ws.times = times;
    } else ws.acc = c;
  }

  /** Writes a loaded window's contents back to the backend and lets go of them. */
  private save(ws: WindowState): void {
    if (ws.slot < 0) return;
    if (ws.hasContents) this.contents!.put(ws.slot, this.keepElements ? [ws.elements, ws.times] : ws.acc);
    else this.contents!.delete(ws.slot);
    ws.acc = undefined;
    ws.elements = null;
    ws.times = null;
  }

  private stateFor(k: Key, w: TimeWindow): WindowState | null {
    if (this.isLate(w)) return null;
    let m = this.byKey.get(k);
    if (m === undefined) {
      m = new Map();
      this.byKey.set(k, m);
    }
    let ws = m.get(w.end);
    if (ws === undefined) {
      ws = this.newWindow(k, w);
      m.set(w.end, ws);
    }
    return ws;
  }

  /** Session windows: the new window absorbs every window of the key that it touches. */
  private mergeInto(k: Key, w: TimeWindow): WindowState | null {
    let list = this.sessions.get(k);
    if (list === undefined) {
      // A late record of a key without sessions must not leave an empty list behind.
      if (this.isLate(w)) return null;
      list = [];
      this.sessions.set(k, list);
    }
    let start = w.start;
    let end = w.end;
    const touching: WindowState[] = [];
    for (const s of list) {
      if (s.window.start <= end && start <= s.window.end) touching.push(s);
    }
    if (touching.length === 0) {
      if (this.isLate(w)) return null;
      const ws = this.newWindow(k, w);
      list.push(ws);
      list.sort((a, b) => a.window.start - b.window.start);
      return ws;
    }
    for (const s of touching) {
      start = Math.min(start, s.window.start);
      end = Math.max(end, s.window.end);
    }
    const target = touching[0];
    if (touching.length === 1 && start === target.window.start && end === target.window.end) return target;
    const merged: TimeWindow = { start, end };
    if (this.isLate(merged)) return null;
    // Fold the others into the first: contents, then trigger state, then timers.
    const states: unknown[] = [];
    for (const s of touching) {
      states.push(s.triggerState);
      this.cur = s;
      this.spec.trigger.clear(s.window, this);
    }
    for (const s of touching.slice(1)) {
      this.absorb(target, s);
      s.live = false;
      list.splice(list.indexOf(s), 1);
    }
    target.window = merged;
    target.triggerState = undefined;
    this.cur = target;
    this.mergeStates = states;
    this.spec.trigger.onMerge?.(merged, this);
    this.mergeStates = [];
    this.registerCleanup(target);
    return target;
  }

  private absorb(into: WindowState, from: WindowState): void {
    this.load(into);
    this.load(from);
    if (this.keepElements) {
      into.elements!.push(...from.elements!);
      into.times!.push(...from.times!);
    } else if (from.hasContents) {
      const agg = (this.spec.fn as Extract<WindowFunction, { type: 'aggregate' }>).agg;
      into.acc = into.hasContents ? agg.merge(into.acc, from.acc) : from.acc;
    }
    into.hasContents ||= from.hasContents;
    into.maxTs = Math.max(into.maxTs, from.maxTs);
    from.hasContents = false;
    this.save(from);
    this.save(into);
  }

  private add(ws: WindowState, v: T, ts: number): void {
    this.load(ws);
    if (this.keepElements) {
      ws.elements!.push(v);
      ws.times!.push(ts);
    } else {
      const agg = (this.spec.fn as Extract<WindowFunction, { type: 'aggregate' }>).agg;
      ws.acc = agg.add(v, ws.hasContents ? ws.acc : agg.createAccumulator());
    }
    ws.hasContents = true;
    if (ts > ws.maxTs) ws.maxTs = ts;
    this.save(ws);
  }

  private act(ws: WindowState, r: TriggerResult): void {
    if (r & TriggerResult.FIRE) this.fire(ws);
    if (r & TriggerResult.PURGE) this.purge(ws);
  }

  private fire(ws: WindowState): void {
    if (!ws.hasContents) return;
    this.load(ws);
    try {
      this.fireLoaded(ws);
    } finally {
      this.save(ws); // an evictor may have changed the elements
    }
  }

  private fireLoaded(ws: WindowState): void {
    const w = ws.window;
    this.emitTime = Number.isFinite(w.end) ? maxTimestamp(w) : ws.maxTs;
    const fn = this.spec.fn;
    let elements = ws.elements;
    if (this.spec.evictor !== null && elements !== null) {
      const drop = this.spec.evictor.evictCount(elements.length);
      if (drop > 0) {
        elements.splice(0, drop);
        ws.times!.splice(0, drop);
      }
      elements = ws.elements;
    }
    if (fn.type === 'process') {
      fn.fn(ws.key, w, elements!, this);
      return;
    }
    let acc = ws.acc;
    if (elements !== null) {
      acc = fn.agg.createAccumulator();
      for (const e of elements) acc = fn.agg.add(e, acc);
    }
    this.out.emit(fn.emit(ws.key, w, fn.agg.getResult(acc)), this.emitTime);
  }

  /** Collector for process window functions. */
  collect(value: unknown): void {
    this.out.emit(value, this.emitTime);
  }

  private purge(ws: WindowState): void {
    ws.acc = undefined;
    if (ws.elements !== null) {
      ws.elements = [];
      ws.times = [];
    }
    ws.hasContents = false;
    this.save(ws);
  }

  private dispose(ws: WindowState): void {
    this.cur = ws;
    this.spec.trigger.clear(ws.window, this);
    ws.live = false;
    if (ws.slot >= 0) this.contents!.delete(ws.slot);
    if (this.spec.assigner.isMerging) {
      const list = this.sessions.get(ws.key)!;
      list.splice(list.indexOf(ws), 1);
      if (list.length === 0) this.sessions.delete(ws.key);
    } else {
      const m = this.byKey.get(ws.key)!;
      m.delete(ws.window.end);
      if (m.size === 0) this.byKey.delete(ws.key);
    }
  }

  private cleanupTime(w: TimeWindow): number {
    return this.spec.assigner.isEventTime ? maxTimestamp(w) + this.spec.allowedLateness : maxTimestamp(w);
  }

  private registerCleanup(ws: WindowState): void {
    const t = this.cleanupTime(ws.window);
    if (t === Number.POSITIVE_INFINITY) return;
    this.cur = ws;
    if (this.spec.assigner.isEventTime) this.registerEventTimeTimer(t);
    else this.registerProcessingTimeTimer(t);
  }

  private isLate(w: TimeWindow): boolean {
    return this.spec.assigner.isEventTime && this.cleanupTime(w) <= this.wm;
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

  private requestPt(): void {
    const next = this.ptHeap.peekTime();
    if (next !== Number.POSITIVE_INFINITY) this.ctx.requestProcessingTime(next);
  }

  // --- TriggerContext (for the window in `cur`) -------------------------------------------------

  get currentWatermark(): number {
    return this.wm;
  }
  get currentProcessingTime(): number {
    return this.now;
  }
  get mergedStates(): readonly unknown[] {
    return this.mergeStates;
  }
  registerEventTimeTimer(time: number): void {
    const ws = this.cur!;
    if (ws.etTimers.includes(time)) return;
    ws.etTimers.push(time);
    this.etHeap.push(time, { ws, time });
  }
  registerProcessingTimeTimer(time: number): void {
    const ws = this.cur!;
    if (ws.ptTimers.includes(time)) return;
    ws.ptTimers.push(time);
    this.ptHeap.push(time, { ws, time });
  }
  deleteEventTimeTimer(time: number): void {
    removeFrom(this.cur!.etTimers, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    removeFrom(this.cur!.ptTimers, time);
  }
  getState<S>(): S | undefined {
    return this.cur!.triggerState as S | undefined;
  }
  setState<S>(value: S | undefined): void {
    this.cur!.triggerState = value;
  }
}

function removeFrom(list: number[], x: number): boolean {
  const i = list.indexOf(x);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}
