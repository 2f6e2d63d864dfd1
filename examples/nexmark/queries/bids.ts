import { NexmarkEventType, type Bid, type DataStream, type NexmarkEvent } from 'eddy';

/**
 * The bids of a Nexmark stream: the reference's `bid` view (`WHERE event_type = 2`). Persons and
 * auctions are dropped in the same loop that narrows the type, so every query starts from here.
 *
 * @example
 * const prices = bids(events).map((b) => b.price);
 */
export function bids(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return events
    .flatMap<Bid>((e, out) => {
      if (e.type === NexmarkEventType.bid) out.collect(e.bid);
    })
    .name('bids');
}
