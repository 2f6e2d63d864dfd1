import type { Bid, DataStream, NexmarkEvent, StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/** The auction and price of a selected bid. */
export interface Q2Result {
  readonly auction: number;
  readonly price: number;
}

/**
 * Nexmark q2, selection: the bids on every 123rd auction (the reference's `MOD(auction, 123) = 0`,
 * which replaced the original fixed list of five auction ids).
 *
 * @example
 * q2(env, events).sinkTo(sinks.collect()); // { auction: 1107, price: 4302 }, ...
 */
export function q2(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q2Result> {
  return bids(events)
    .flatMap<Q2Result>((b: Bid, out) => {
      if (b.auction % 123 === 0) out.collect({ auction: b.auction, price: b.price });
    })
    .name('q2-every-123rd-auction');
}
