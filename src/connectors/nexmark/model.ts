/**
 * The three Nexmark record types and the event that carries one of them. Field names follow the
 * reference schema (nexmark/nexmark ddl_gen.sql) so the standard queries read the same here; every
 * time is epoch milliseconds.
 */

/**
 * A new user of the auction site.
 *
 * @example
 * const p: Person = { id: 1000, name: 'Peter Shultz', emailAddress: 'abc@xyz.com',
 *   creditCard: '0042 1234 9999 0001', city: 'Boise', state: 'ID', dateTime: 0, extra: '' };
 */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

/**
 * A new auction; bids for it are expected between `dateTime` and `expires`.
 *
 * @example
 * const a: Auction = { id: 1000, itemName: 'qwe', description: 'rty uio', initialBid: 250,
 *   reserve: 900, dateTime: 0, expires: 150, seller: 1000, category: 10, extra: '' };
 */
export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/**
 * A bid by a person on an auction.
 *
 * @example
 * const b: Bid = { auction: 1000, bidder: 1001, price: 12000, channel: 'Google',
 *   url: 'https://www.nexmark.com/abc/def/ghi/item.htm?query=1', dateTime: 0, extra: '' };
 */
export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/**
 * The type tags, numbered as in the reference (Flink's `Event.Type` and the `event_type` column).
 *
 * @example
 * if (event.type === NexmarkEventType.bid) total += event.bid.price;
 */
export const NexmarkEventType = { person: 0, auction: 1, bid: 2 } as const;

/**
 * An event carrying a person. See {@link NexmarkEvent}.
 *
 * @example
 * const isPerson = (e: NexmarkEvent): e is PersonEvent => e.type === 0;
 */
export interface PersonEvent {
  readonly type: 0;
  readonly person: Person;
  readonly auction: null;
  readonly bid: null;
}

/**
 * An event carrying an auction. See {@link NexmarkEvent}.
 *
 * @example
 * const isAuction = (e: NexmarkEvent): e is AuctionEvent => e.type === 1;
 */
export interface AuctionEvent {
  readonly type: 1;
  readonly person: null;
  readonly auction: Auction;
  readonly bid: null;
}

/**
 * An event carrying a bid. See {@link NexmarkEvent}.
 *
 * @example
 * const isBid = (e: NexmarkEvent): e is BidEvent => e.type === 2;
 */
export interface BidEvent {
  readonly type: 2;
  readonly person: null;
  readonly auction: null;
  readonly bid: Bid;
}

/**
 * One generated event. Every event has the same four fields at run time (one object shape, as
 * Flink's Event), so filtering by `type` is a single number compare; the union only lets the
 * compiler know which record is non-null after that compare.
 *
 * @example
 * function price(e: NexmarkEvent): number | undefined {
 *   return e.type === NexmarkEventType.bid ? e.bid.price : undefined;
 * }
 */
export type NexmarkEvent = PersonEvent | AuctionEvent | BidEvent;
