import type { DataStream, NexmarkEvent, StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/** A bid with its price in euros. */
export interface Q1Result {
  readonly auction: number;
  readonly bidder: number;
  /** The price in dollars times 0.908: the double nearest the reference's exact DECIMAL(23, 3). */
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** Dollars to euros, the reference's fixed rate, in thousandths: 0.908. */
export const EUROS_PER_1000_DOLLARS = 908;

/**
 * Nexmark q1, currency conversion: each bid with its price converted from dollars to euros.
 * `price * 0.908` would round twice (0.908 has no exact double) and miss the reference's exact
 * decimal by one ulp on about a fifth of the bids; `price * 908` is an exact integer (prices are
 * far below 2^53 / 908), so dividing it by 1000 rounds once, to the double nearest the decimal.
 *
 * @example
 * q1(env, events).map((r) => r.price); // 90.8 for a bid of 100
 */
export function q1(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q1Result> {
  return bids(events)
    .map((b): Q1Result => ({ auction: b.auction, bidder: b.bidder, price: (b.price * EUROS_PER_1000_DOLLARS) / 1000, dateTime: b.dateTime, extra: b.extra }))
    .name('q1-euros');
}
