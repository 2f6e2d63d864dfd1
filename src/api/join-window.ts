import type { Key } from '../functions/key.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import type { Collector } from '../functions/collector.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import { addJoin, applyFn, flatFn, type JoinSides } from './join-sides.ts';
import type { JoinFn, JoinType } from '../functions/join-type.ts';
import type { OutputTag } from '../functions/output-tag.ts';

/**
 * A window join: the records of both sides that share a key and a window (tumbling, sliding or
 * session) are paired when the window fires. Inner by default; the outer variants pair a side's
 * records with `null` when the other side has nothing in that window. Output time: window end - 1.
 * A record whose windows have all closed is late: dropped and counted, or sent to a side output.
 *
 * @example
 * const pairs: DataStream<string> = orders.keyBy((o) => o.user)
 *   .join(payments.keyBy((p) => p.user))
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .leftOuter()
 *   .apply((order, payment) => `${order.id}:${payment?.id ?? 'unpaid'}`);
 */
export interface WindowJoin<K extends Key, L, R, LO = L, RO = R> {
  readonly joinType: JoinType;
  /** Every pair of the window, as inner (the default). */
  inner(): WindowJoin<K, L, R, L, R>;
  /** Also every left record of a window without right records, with null. */
  leftOuter(): WindowJoin<K, L, R, L, R | null>;
  /** Also every right record of a window without left records, with null. */
  rightOuter(): WindowJoin<K, L, R, L | null, R>;
  /** Both of the above. */
  fullOuter(): WindowJoin<K, L, R, L | null, R | null>;
  /** Late left records go to this side output (else they are dropped and counted). */
  sideOutputLeftLateData(tag: OutputTag<L>): WindowJoin<K, L, R, LO, RO>;
  /** Late right records go to this side output (else they are dropped and counted). */
  sideOutputRightLateData(tag: OutputTag<R>): WindowJoin<K, L, R, LO, RO>;
  /** One output per pair. */
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O>;
  /** Any number of outputs per pair. */
  flatApply<O>(fn: (left: LO, right: RO, out: Collector<O>) => void): DataStream<O>;
}

interface LateTags {
  readonly left: OutputTag<unknown> | null;
  readonly right: OutputTag<unknown> | null;
}

/** @internal */
export class WindowJoinImpl<K extends Key, L, R, LO = L, RO = R> implements WindowJoin<K, L, R, LO, RO> {
  constructor(
    private readonly sides: JoinSides,
    private readonly assigner: WindowAssigner<unknown>,
    private readonly late: LateTags = { left: null, right: null },
  ) {}

  get joinType(): JoinType {
    return this.sides.joinType;
  }
  private as<A, B>(joinType: JoinType): WindowJoin<K, L, R, A, B> {
    return new WindowJoinImpl<K, L, R, A, B>(Object.freeze({ ...this.sides, joinType }), this.assigner, this.late);
  }
  inner(): WindowJoin<K, L, R, L, R> {
    return this.as('inner');
  }
  leftOuter(): WindowJoin<K, L, R, L, R | null> {
    return this.as('left');
  }
  rightOuter(): WindowJoin<K, L, R, L | null, R> {
    return this.as('right');
  }
  fullOuter(): WindowJoin<K, L, R, L | null, R | null> {
    return this.as('full');
  }
  sideOutputLeftLateData(tag: OutputTag<L>): WindowJoin<K, L, R, LO, RO> {
    return new WindowJoinImpl<K, L, R, LO, RO>(this.sides, this.assigner, Object.freeze({ ...this.late, left: tag as OutputTag<unknown> }));
  }
  sideOutputRightLateData(tag: OutputTag<R>): WindowJoin<K, L, R, LO, RO> {
    return new WindowJoinImpl<K, L, R, LO, RO>(this.sides, this.assigner, Object.freeze({ ...this.late, right: tag as OutputTag<unknown> }));
  }
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O> {
    return this.build(applyFn(fn));
  }
  flatApply<O>(fn: (left: LO, right: RO, out: Collector<O>) => void): DataStream<O> {
    return this.build(flatFn(fn));
  }
  private build<O>(fn: JoinFn): DataStream<O> {
    const node = { kind: 'window-join' as const, assigner: this.assigner, leftLateTag: this.late.left, rightLateTag: this.late.right };
    return new DataStreamImpl<O>(this.sides.graph, addJoin(this.sides, node, fn));
  }
}
