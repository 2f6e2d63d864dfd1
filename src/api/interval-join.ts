import type { Key } from '../functions/key.ts';
import type { Collector } from '../functions/collector.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import { addJoin, applyFn, type JoinSides } from './join-sides.ts';
import type { JoinContext, JoinFn, JoinType } from '../functions/join-type.ts';
import type { OutputTag } from '../functions/output-tag.ts';

/**
 * The first step of an interval join: give the bounds.
 *
 * @example
 * clicks.keyBy((c) => c.user).intervalJoin(buys.keyBy((b) => b.user)).between(0, 30 * 60_000)
 */
export interface IntervalJoin<K extends Key, L, R> {
  /**
   * A left record at tl meets the right records of its key at tr with
   * tl + lowerMs <= tr <= tl + upperMs (both inclusive unless made exclusive).
   */
  between(lowerMs: number, upperMs: number): IntervalJoined<K, L, R>;
}

interface Config {
  readonly lower: number;
  readonly upper: number;
  readonly lowerExclusive: boolean;
  readonly upperExclusive: boolean;
  readonly leftLateTag: OutputTag<unknown> | null;
  readonly rightLateTag: OutputTag<unknown> | null;
}

/**
 * An interval join with its bounds (Flink's IntervalJoined). Both sides wait in keyed state until
 * the watermark rules out any further match, then leave it, so state stays bounded by the bounds
 * and the out-of-orderness. Records that arrive late (ts <= watermark) are dropped and counted, or
 * go to `sideOutputLeftLateData` / `sideOutputRightLateData`. Outer variants emit a record that
 * matched nothing with `null` when it leaves the state, timestamped with that time.
 * Matches are timestamped with the later of the two records.
 *
 * @example
 * const late = new OutputTag<Click>('late-clicks');
 * clicks.keyBy((c) => c.user).intervalJoin(buys.keyBy((b) => b.user))
 *   .between(0, 30 * 60_000).upperBoundExclusive().sideOutputLeftLateData(late)
 *   .process<Conversion>((click, buy, ctx, out) => out.collect({ user: click.user, lagMs: ctx.rightTimestamp() - ctx.leftTimestamp() }));
 */
export interface IntervalJoined<K extends Key, L, R, LO = L, RO = R> {
  readonly joinType: JoinType;
  lowerBoundExclusive(): IntervalJoined<K, L, R, LO, RO>;
  upperBoundExclusive(): IntervalJoined<K, L, R, LO, RO>;
  sideOutputLeftLateData(tag: OutputTag<L>): IntervalJoined<K, L, R, LO, RO>;
  sideOutputRightLateData(tag: OutputTag<R>): IntervalJoined<K, L, R, LO, RO>;
  inner(): IntervalJoined<K, L, R, L, R>;
  leftOuter(): IntervalJoined<K, L, R, L, R | null>;
  rightOuter(): IntervalJoined<K, L, R, L | null, R>;
  fullOuter(): IntervalJoined<K, L, R, L | null, R | null>;
  /** Any number of outputs per pair, with both timestamps and side outputs in `ctx`. */
  process<O>(fn: (left: LO, right: RO, ctx: JoinContext, out: Collector<O>) => void): DataStream<O>;
  /** One output per pair. */
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O>;
}

/** @internal */
export class IntervalJoinImpl<K extends Key, L, R> implements IntervalJoin<K, L, R> {
  constructor(private readonly sides: JoinSides) {}

  between(lowerMs: number, upperMs: number): IntervalJoined<K, L, R> {
    if (!Number.isFinite(lowerMs) || !Number.isFinite(upperMs) || lowerMs > upperMs) {
      throw new Error(`intervalJoin between(lower, upper): finite bounds with lower <= upper, got (${lowerMs}, ${upperMs})`);
    }
    return new IntervalJoinedImpl<K, L, R>(this.sides, {
      lower: lowerMs, upper: upperMs, lowerExclusive: false, upperExclusive: false, leftLateTag: null, rightLateTag: null,
    });
  }
}

/** @internal */
export class IntervalJoinedImpl<K extends Key, L, R, LO = L, RO = R> implements IntervalJoined<K, L, R, LO, RO> {
  constructor(private readonly sides: JoinSides, private readonly config: Config) {
    Object.freeze(config);
  }

  get joinType(): JoinType {
    return this.sides.joinType;
  }
  private with<A = LO, B = RO>(change: Partial<Config>, joinType = this.sides.joinType): IntervalJoined<K, L, R, A, B> {
    return new IntervalJoinedImpl<K, L, R, A, B>(Object.freeze({ ...this.sides, joinType }), { ...this.config, ...change });
  }
  lowerBoundExclusive(): IntervalJoined<K, L, R, LO, RO> {
    return this.with({ lowerExclusive: true });
  }
  upperBoundExclusive(): IntervalJoined<K, L, R, LO, RO> {
    return this.with({ upperExclusive: true });
  }
  sideOutputLeftLateData(tag: OutputTag<L>): IntervalJoined<K, L, R, LO, RO> {
    return this.with({ leftLateTag: tag as OutputTag<unknown> });
  }
  sideOutputRightLateData(tag: OutputTag<R>): IntervalJoined<K, L, R, LO, RO> {
    return this.with({ rightLateTag: tag as OutputTag<unknown> });
  }
  inner(): IntervalJoined<K, L, R, L, R> {
    return this.with({}, 'inner');
  }
  leftOuter(): IntervalJoined<K, L, R, L, R | null> {
    return this.with({}, 'left');
  }
  rightOuter(): IntervalJoined<K, L, R, L | null, R> {
    return this.with({}, 'right');
  }
  fullOuter(): IntervalJoined<K, L, R, L | null, R | null> {
    return this.with({}, 'full');
  }
  process<O>(fn: (left: LO, right: RO, ctx: JoinContext, out: Collector<O>) => void): DataStream<O> {
    return this.build(fn as JoinFn);
  }
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O> {
    return this.build(applyFn(fn));
  }

  private build<O>(fn: JoinFn): DataStream<O> {
    const c = this.config;
    // Timestamps are whole milliseconds: an exclusive bound is the inclusive one a millisecond in.
    const lower = c.lowerExclusive ? c.lower + 1 : c.lower;
    const upper = c.upperExclusive ? c.upper - 1 : c.upper;
    if (lower > upper) throw new Error(`intervalJoin: the exclusive bounds (${c.lower}, ${c.upper}) leave no time to match`);
    const id = addJoin(this.sides, { kind: 'interval-join', lower, upper, leftLateTag: c.leftLateTag, rightLateTag: c.rightLateTag }, fn);
    return new DataStreamImpl<O>(this.sides.graph, id);
  }
}
