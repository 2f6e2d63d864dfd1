import { Aggregates, EventTimeSessionWindows, type Bid, type DataStream, type NexmarkEvent, type StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/** How many bids a bidder made in one window (a session for q11, a processing-time window for q12). */
export interface BidderCount {
  readonly bidder: number;
  readonly bid_count: number;
  readonly starttime: number;
  /** The window's end: for a session, its last bid plus the gap (the reference's SESSION_END). */
  readonly endtime: number;
}

/** A session closes after 10 s of event time without a bid. */
export const Q11_GAP_MS = 10_000;

/**
 * Nexmark q11, user sessions: bids per bidder in event-time session windows with a 10 s gap.
 * Two bids exactly 10 s apart are in one session (windows [t, t + gap) that touch merge).
 *
 * @example
 * q11(env, events).sinkTo(sinks.collect()); // { bidder: 1001, bid_count: 12, starttime, endtime }
 */
export function q11(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<BidderCount> {
  return bids(events)
    .keyBy((b) => b.bidder)
    .window(EventTimeSessionWindows.withGap<Bid>(Q11_GAP_MS))
    .aggregate(Aggregates.count<Bid>(), (bidder, w, n): BidderCount => ({ bidder, bid_count: n, starttime: w.start, endtime: w.end }))
    .name('q11-bidder-sessions');
}
