import { TumblingEventTimeWindows, type Bid, type DataStream, type NexmarkEvent, type StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/** A bid with the highest price of a 10 s window. */
export interface Q7Result {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

export const Q7_WINDOW_MS = 10_000;

/**
 * Nexmark q7, highest bid: the maximum price of each 10 s tumbling window, joined back to the bids
 * with that price whose time lies in [window end - 10 s, window end] (both inclusive, as the
 * reference's BETWEEN, so a bid at exactly the end of a window can match its maximum too). The
 * join back is an interval join keyed by price: a window's maximum is emitted at end - 1, so a
 * bid at t meets the maxima emitted from t - 1 to t + 9 999.
 *
 * @example
 * q7(env, events).sinkTo(sinks.collect()); // { auction: 1007, bidder: 1001, price: 9_987_654, dateTime, extra }
 */
export function q7(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q7Result> {
  const all = bids(events);
  const maxima = all.keyBy(() => 0).window(TumblingEventTimeWindows.of<Bid>(Q7_WINDOW_MS)).max((b) => b.price).name('q7-max-per-window');
  return all.keyBy((b) => b.price)
    .intervalJoin(maxima.keyBy((m) => m.value))
    .between(-1, Q7_WINDOW_MS - 1)
    .apply((b): Q7Result => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }))
    .name('q7-bids-at-max');
}
