import type { OutputTag } from '../../functions/output-tag.ts';
import type { Key, KeySelector } from '../../functions/key.ts';
import type { KeyedStateBackend, StateTable } from '../../state/state-table.ts';
import { TimerHeap } from '../../time/timer-heap.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, WatermarkListener } from '../operator-capabilities.ts';
import { addVersion, countUpTo, insertByTime, pruneVersions, versionAt, type Versions } from './table-versions.ts';
import { failedAt } from '../operator-error.ts';

/** What a temporal join does; the functions come from the user's builder calls. */
export interface TemporalJoinSpec {
  readonly key: KeySelector;
  readonly tableKey: KeySelector;
  readonly tableValue: { row(change: unknown): unknown }['row'];
  readonly join: { join(value: unknown, row: unknown): unknown }['join'];
  readonly mode: 'inner' | 'left';
  readonly lateTag: OutputTag<unknown> | null;
}

/**
 * Event-time temporal join: input 0 is the stream, input 1 the table's changelog. Each event waits
 * in keyed state until the operator's watermark (the minimum of both inputs that are not idle)
 * reaches its timestamp, then joins the row version valid at that timestamp: the latest version
 * with time <= the event's. Versions are kept until the watermark proves that no event can need
 * them (always at least the latest); a key whose latest settled version is a delete is forgotten.
 * Events at or behind the watermark on arrival are late: to the side output, or dropped and counted.
 *
 * @example
 * new TemporalJoinOperator({ key: (o) => o.sku, tableKey: (p) => p.sku, tableValue: (p) => p,
 *   join: (o, p) => ({ ...o, price: p.price }), mode: 'inner', lateTag: null }, new HeapStateBackend());
 */
export class TemporalJoinOperator implements Operator<unknown, unknown>, WatermarkListener, LocalState, KeyedState {
  private out!: Output<unknown>;
  private ctx!: OperatorContext;
  private versions!: StateTable<Versions>;
  private pending!: StateTable<[number, unknown][]>;
  /**
   * Per key: a timer at its earliest waiting event, and one at each version still to be settled.
   * No bookkeeping per (key, time): a timer that finds nothing to do does nothing, so duplicates
   * are harmless (and do not propagate: only a firing that emitted arms the next one).
   */
  private readonly timers = new TimerHeap<Key>();

  constructor(private readonly spec: TemporalJoinSpec, readonly backend: KeyedStateBackend) {}

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    this.versions = this.backend.table<Versions>('versions');
    this.pending = this.backend.table<[number, unknown][]>('pending');
  }

  process(batch: Batch<unknown>, input: number): void {
    const wm = this.ctx.currentWatermark();
    const { values, times } = batch;
    if (input === 1) {
      const { tableKey, tableValue } = this.spec;
      let i = 0;
      try {
        for (const n = batch.length; i < n; i++) {
          const t = times[i];
          if (!Number.isFinite(t)) throw this.missingTimestamp(t, 'table changelog');
          const k = tableKey(values[i]);
          const row = tableValue(values[i]);
          const list = this.versions.get(k) ?? [];
          addVersion(list, t, row === undefined ? null : row);
          // A version behind the watermark is late: it is kept for the events still to come.
          if (t <= wm) pruneVersions(list, wm);
          else this.timers.push(t, k);
          if (list.length === 0) this.versions.delete(k);
          else this.versions.put(k, list);
        }
      } catch (e) {
        throw failedAt(e, batch, i);
      }
      return;
    }
    const key = this.spec.key;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const t = times[i];
        if (!Number.isFinite(t)) throw this.missingTimestamp(t, 'stream');
        if (t <= wm) {
          this.late(values[i], t);
          continue;
        }
        const k = key(values[i]);
        const buffer = this.pending.get(k);
        // Only the earliest waiting event of a key has a timer; firing it arms the next one.
        if (buffer === undefined) {
          this.pending.put(k, [[t, values[i]]]);
          this.timers.push(t, k);
        } else {
          if (t < buffer[0][0]) this.timers.push(t, k);
          insertByTime(buffer, t, values[i]);
          this.pending.put(k, buffer);
        }
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  onWatermark(wm: number): void {
    const timers = this.timers;
    while (timers.size > 0 && timers.peekTime() <= wm) {
      const time = timers.peekTime();
      this.fire(timers.pop()!, time);
    }
  }

  /** Emits the key's events at `time` (earlier ones went at their own timers) and prunes versions. */
  private fire(k: Key, time: number): void {
    const list = this.versions.get(k);
    const buffer = this.pending.get(k);
    if (buffer !== undefined) {
      const due = countUpTo(buffer, time);
      const { join, mode } = this.spec;
      for (let i = 0; i < due; i++) {
        const [t, value] = buffer[i];
        const row = list === undefined ? undefined : versionAt(list, t);
        if (row !== undefined) this.out.emit(join(value, row), t);
        else if (mode === 'left') this.out.emit(join(value, null), t);
      }
      if (due === buffer.length) this.pending.delete(k);
      else if (due > 0) {
        buffer.splice(0, due);
        this.pending.put(k, buffer);
        this.timers.push(buffer[0][0], k);
      }
    }
    if (list !== undefined && pruneVersions(list, time)) {
      if (list.length === 0) this.versions.delete(k);
      else this.versions.put(k, list);
    }
  }

  private late(value: unknown, t: number): void {
    const tag = this.spec.lateTag;
    if (tag !== null) {
      this.ctx.metrics.lateToSideOutput++;
      this.out.emitSide(tag, value, t);
      this.ctx.sample('late', value, t, `sent to side output '${tag.id}': the table's watermark has passed it (watermark ${this.ctx.currentWatermark()})`);
    } else {
      this.ctx.metrics.lateDropped++;
      this.ctx.sample('late', value, t, `dropped: the table's watermark has passed it (watermark ${this.ctx.currentWatermark()})`);
    }
  }

  private missingTimestamp(t: number, side: string): Error {
    return new Error(
      `record of the ${side} has no event timestamp (${t}) in temporal join '${this.ctx.name}': give its source a WatermarkStrategy ` +
        'with withTimestampAssigner(...) or call assignTimestampsAndWatermarks(...) before the join; for a join with the latest row, use lookupJoin',
    );
  }

  snapshot(): unknown {
    return { timers: this.timers.entries().map(({ time, payload }): [Key, number] => [payload, time]) };
  }

  restore(state: unknown): void {
    this.timers.clear();
    for (const [k, time] of (state as { timers: [Key, number][] }).timers) this.timers.push(time, k);
  }

  close(): void {
    this.backend.close();
  }
}
