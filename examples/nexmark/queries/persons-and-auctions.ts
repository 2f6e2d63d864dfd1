import { NexmarkEventType, type Auction, type DataStream, type NexmarkEvent, type Person } from 'eddy';

/**
 * The persons of a Nexmark stream: the reference's `person` view (`WHERE event_type = 0`).
 *
 * @example
 * const idaho = persons(events).filter((p) => p.state === 'ID');
 */
export function persons(events: DataStream<NexmarkEvent>): DataStream<Person> {
  return events
    .flatMap<Person>((e, out) => {
      if (e.type === NexmarkEventType.person) out.collect(e.person);
    })
    .name('persons');
}

/**
 * The auctions of a Nexmark stream: the reference's `auction` view (`WHERE event_type = 1`).
 *
 * @example
 * const books = auctions(events).filter((a) => a.category === 10);
 */
export function auctions(events: DataStream<NexmarkEvent>): DataStream<Auction> {
  return events
    .flatMap<Auction>((e, out) => {
      if (e.type === NexmarkEventType.auction) out.collect(e.auction);
    })
    .name('auctions');
}
