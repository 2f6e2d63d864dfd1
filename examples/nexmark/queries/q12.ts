import { Aggregates, TumblingProcessingTimeWindows, type Bid, type DataStream, type NexmarkEvent, type StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';
import type { BidderCount } from './q11.ts';

/** Processing-time windows of 10 s. */
export const Q12_WINDOW_MS = 10_000;

/**
 * Nexmark q12, processing-time windows: bids per bidder in 10 s tumbling windows of the clock
 * (the environment's clock: a manual one under the StreamTestDriver), whatever the bids' event time.
 *
 * @example
 * q12(env, events).sinkTo(sinks.console()); // { bidder: 1001, bid_count: 3520, starttime, endtime }
 */
export function q12(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<BidderCount> {
  return bids(events)
    .keyBy((b) => b.bidder)
    .window(TumblingProcessingTimeWindows.of(Q12_WINDOW_MS))
    .aggregate(Aggregates.count<Bid>(), (bidder, w, n): BidderCount => ({ bidder, bid_count: n, starttime: w.start, endtime: w.end }))
    .name('q12-bidder-processing-time');
}
