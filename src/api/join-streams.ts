import type { Key } from '../functions/key.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import { RegularJoinImpl, type RegularJoin } from './join-regular.ts';
import type { JoinSides } from './join-sides.ts';
import { WindowJoinImpl, type WindowJoin } from './join-window.ts';

/**
 * Two keyed streams with the same key type, to be joined: choose how records meet, in a window
 * (`window`) or in unbounded state (`regular`, `withTtl`). For a time bound around each record
 * use `keyed.intervalJoin(other)` instead.
 *
 * @example
 * a.keyBy((x) => x.id).join(b.keyBy((y) => y.id)).window(TumblingEventTimeWindows.of(10_000)).apply((x, y) => ({ x, y }));
 */
export interface JoinedStreams<K extends Key, L, R> {
  /** Pairs records of the same key in the same window. */
  window(assigner: WindowAssigner<L | R>): WindowJoin<K, L, R>;
  /** Pairs every record with every record of the same key, ever (state grows without bound). */
  regular(): RegularJoin<K, L, R>;
  /** A regular join whose records leave the state `ms` of processing time after they arrive. */
  withTtl(ms: number): RegularJoin<K, L, R>;
}

/** @internal */
export class JoinedStreamsImpl<K extends Key, L, R> implements JoinedStreams<K, L, R> {
  constructor(private readonly sides: JoinSides) {}

  window(assigner: WindowAssigner<L | R>): WindowJoin<K, L, R> {
    if (assigner.kind === 'global') throw new Error('join window: GlobalWindows never fire without a trigger; use a time window or a regular join');
    return new WindowJoinImpl<K, L, R>(this.sides, assigner as WindowAssigner<unknown>);
  }
  regular(): RegularJoin<K, L, R> {
    return new RegularJoinImpl<K, L, R>(this.sides, null);
  }
  withTtl(ms: number): RegularJoin<K, L, R> {
    return new RegularJoinImpl<K, L, R>(this.sides, ms);
  }
}
