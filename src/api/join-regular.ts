import type { Key } from '../functions/key.ts';
import type { Collector } from '../functions/collector.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import { addJoin, applyFn, flatFn, type JoinSides } from './join-sides.ts';
import type { JoinType } from '../functions/join-type.ts';

/**
 * A regular (unbounded) join: every record joins every record of the other side with the same key,
 * whichever came first, as soon as the second arrives. Without a TTL the state grows for good;
 * with `withTtl(ms)` a record leaves the state `ms` of processing time after it arrived. Outer
 * variants emit a record that never matched with `null` when it leaves the state (TTL expiry, or
 * the end of input): there are no retractions, so nothing is emitted and taken back.
 *
 * @example
 * const sellers = auctions.keyBy((a) => a.seller)
 *   .join(persons.keyBy((p) => p.id))
 *   .withTtl(24 * 3_600_000)
 *   .apply((a, p) => ({ name: p.name, auction: a.id }));
 */
export interface RegularJoin<K extends Key, L, R, LO = L, RO = R> {
  readonly joinType: JoinType;
  readonly ttlMs: number | null;
  inner(): RegularJoin<K, L, R, L, R>;
  leftOuter(): RegularJoin<K, L, R, L, R | null>;
  rightOuter(): RegularJoin<K, L, R, L | null, R>;
  fullOuter(): RegularJoin<K, L, R, L | null, R | null>;
  /** Records leave the state `ms` of processing time after they arrived. */
  withTtl(ms: number): RegularJoin<K, L, R, LO, RO>;
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O>;
  flatApply<O>(fn: (left: LO, right: RO, out: Collector<O>) => void): DataStream<O>;
}

/** @internal */
export class RegularJoinImpl<K extends Key, L, R, LO = L, RO = R> implements RegularJoin<K, L, R, LO, RO> {
  constructor(private readonly sides: JoinSides, readonly ttlMs: number | null) {
    if (ttlMs !== null && (!Number.isFinite(ttlMs) || ttlMs <= 0)) throw new Error(`join withTtl(ms): ms must be a finite number > 0, got ${ttlMs}`);
  }

  get joinType(): JoinType {
    return this.sides.joinType;
  }
  private as<A, B>(joinType: JoinType): RegularJoin<K, L, R, A, B> {
    return new RegularJoinImpl<K, L, R, A, B>(Object.freeze({ ...this.sides, joinType }), this.ttlMs);
  }
  inner(): RegularJoin<K, L, R, L, R> {
    return this.as('inner');
  }
  leftOuter(): RegularJoin<K, L, R, L, R | null> {
    return this.as('left');
  }
  rightOuter(): RegularJoin<K, L, R, L | null, R> {
    return this.as('right');
  }
  fullOuter(): RegularJoin<K, L, R, L | null, R | null> {
    return this.as('full');
  }
  withTtl(ms: number): RegularJoin<K, L, R, LO, RO> {
    return new RegularJoinImpl<K, L, R, LO, RO>(this.sides, ms);
  }
  apply<O>(fn: (left: LO, right: RO) => O): DataStream<O> {
    return new DataStreamImpl<O>(this.sides.graph, addJoin(this.sides, { kind: 'regular-join', ttlMs: this.ttlMs }, applyFn(fn)));
  }
  flatApply<O>(fn: (left: LO, right: RO, out: Collector<O>) => void): DataStream<O> {
    return new DataStreamImpl<O>(this.sides.graph, addJoin(this.sides, { kind: 'regular-join', ttlMs: this.ttlMs }, flatFn(fn)));
  }
}
