import type { Collector } from '../../functions/collector.ts';
import { emitsUnmatched, type JoinFn, type JoinType } from '../../functions/join-type.ts';
import { OutputTag } from '../../functions/output-tag.ts';
import type { Key, KeySelector } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import type { TimeWindow } from '../../window/time-window.ts';
import type { WindowAssigner } from '../../window/window-assigner.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, ProcessingTimeListener, WatermarkListener } from '../operator-capabilities.ts';
import { WindowOperator } from './window-operator.ts';
import { sameRecordIn } from '../operator-error.ts';
import { JoinContextBase } from './join-context-base.ts';

/** Configuration of a window join. */
export interface WindowJoinSpec {
  readonly leftKey: KeySelector;
  readonly rightKey: KeySelector;
  readonly assigner: WindowAssigner<unknown>;
  readonly joinType: JoinType;
  readonly leftLateTag: OutputTag<unknown> | null;
  readonly rightLateTag: OutputTag<unknown> | null;
  readonly fn: JoinFn;
}

/** Where the inner window operator sends late records; this operator routes them per side. */
const LATE = new OutputTag<Tagged>('__window-join-late');

/** A record of either side inside the shared windows: which side, and the value. */
interface Tagged {
  readonly s: 0 | 1;
  readonly v: unknown;
  readonly t: number;
}

/**
 * Joins the records of both inputs that share a key and a window (Flink's window join, a coGroup):
 * both sides go into the same windows of one WindowOperator, tagged with their side, so session
 * windows merge across sides; when a window fires, every left record meets every right record.
 * Outer joins emit a side's records with null when the other side has none in that window.
 * Output is timestamped with the window's end - 1. Late records (every window already past) go
 * to their side's late output, or are dropped and counted in `lateDropped`.
 *
 * @example
 * new WindowJoinOperator({ leftKey, rightKey, assigner: TumblingEventTimeWindows.of(10_000),
 *   joinType: 'inner', fn: (l, r, _ctx, out) => out.collect({ l, r }) });
 */
export class WindowJoinOperator extends JoinContextBase implements Operator<unknown, unknown>, WatermarkListener, ProcessingTimeListener, LocalState, KeyedState {
  private readonly inner: WindowOperator<Tagged>;
  private readonly tagged: { values: Tagged[]; times: number[]; length: number } = { values: [], times: [], length: 0 };
  private readonly outer: [boolean, boolean];
  private ctx!: OperatorContext;

  /** An on-disk backend holding the windows' records (the coordinator checkpoints it), if any. */
  readonly backend: KeyedStateBackend | undefined;

  /** @param store an on-disk keyed state backend (LMDB) for the windows' records; null keeps them in memory */
  constructor(private readonly spec: WindowJoinSpec, store: KeyedStateBackend | null = null) {
    super();
    const { leftKey, rightKey } = spec;
    this.backend = store ?? undefined;
    this.outer = [emitsUnmatched(spec.joinType, 0), emitsUnmatched(spec.joinType, 1)];
    this.inner = new WindowOperator<Tagged>({
      key: (t) => (t.s === 0 ? leftKey(t.v) : rightKey(t.v)),
      assigner: spec.assigner as WindowAssigner<Tagged>,
      trigger: (spec.assigner as WindowAssigner<Tagged>).defaultTrigger(),
      evictor: null, allowedLateness: 0, lateTag: LATE,
      fn: { type: 'process', fn: (_k: Key, w: TimeWindow, els: readonly Tagged[], out: Collector<unknown>) => this.fire(w, els, out) },
      store,
    });
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.out = out;
    this.ctx = ctx;
    const late = (t: Tagged) => this.late(t);
    this.inner.open(ctx, {
      emit: (value, time) => out.emit(value, time),
      forward: (batch) => out.forward(batch),
      emitSide: (tag, value, time) => (tag.id === LATE.id ? late(value as Tagged) : out.emitSide(tag, value, time)),
    });
  }

  /** A late record from the window operator, which counted it as sent to a side output. */
  private late(t: Tagged): void {
    const tag = t.s === 0 ? this.spec.leftLateTag : this.spec.rightLateTag;
    const side = t.s === 0 ? 'left' : 'right';
    if (tag !== null) {
      this.out.emitSide(tag, t.v, t.t);
      this.ctx.sample('late', t.v, t.t, `${side} record sent to side output '${tag.id}': its windows had closed (watermark ${this.ctx.currentWatermark()})`);
    } else {
      this.ctx.metrics.lateToSideOutput--;
      this.ctx.metrics.lateDropped++;
      this.ctx.sample('late', t.v, t.t, `${side} record dropped: its windows had closed (watermark ${this.ctx.currentWatermark()})`);
    }
  }

  process(batch: Batch<unknown>, input: number): void {
    const s = input === 0 ? 0 : 1;
    const t = this.tagged;
    for (let i = 0, n = batch.length; i < n; i++) {
      t.values[i] = { s, v: batch.values[i], t: batch.times[i] };
      t.times[i] = batch.times[i];
    }
    t.length = batch.length;
    try {
      this.inner.process(t);
    } catch (e) {
      throw sameRecordIn(e, t, batch);
    } finally {
      t.values.length = 0; // the window holds the tagged records; this array must not pin them
    }
  }

  onWatermark(wm: number): void {
    this.inner.onWatermark(wm);
  }

  onProcessingTime(now: number): void {
    this.inner.onProcessingTime(now);
  }

  close(): void {
    this.inner.close();
  }

  snapshot(): unknown {
    return this.inner.snapshot();
  }

  restore(state: unknown): void {
    this.inner.restore(state);
  }

  /** Every left record of the window with every right one; the unmatched with null when outer. */
  private fire(w: TimeWindow, els: readonly Tagged[], out: Collector<unknown>): void {
    this.time = w.end - 1;
    let lefts = 0;
    let rights = 0;
    for (const e of els) {
      if (e.s === 0) lefts++;
      else rights++;
    }
    const fn = this.spec.fn;
    if (lefts > 0 && rights > 0) {
      for (const l of els) {
        if (l.s !== 0) continue;
        this.lt = l.t;
        for (const r of els) {
          if (r.s !== 1) continue;
          this.rt = r.t;
          fn(l.v, r.v, this, out);
        }
      }
    } else if (lefts > 0 && this.outer[0]) {
      this.rt = Number.NaN;
      for (const l of els) {
        this.lt = l.t;
        fn(l.v, null, this, out);
      }
    } else if (rights > 0 && this.outer[1]) {
      this.lt = Number.NaN;
      for (const r of els) {
        this.rt = r.t;
        fn(null, r.v, this, out);
      }
    }
  }
}
