import type { NexmarkConfig } from './config.ts';
import type { SeededRandom } from './random.ts';

/**
 * Which person and auction ids exist at a given event id. Ids are never stored: event id e is
 * the (e / totalProportion)-th round of person, auction and bid slots, so the number of people and
 * auctions created so far follows from e alone. Indexes here are 0-based; add firstPersonId or
 * firstAuctionId for the id a record carries.
 */

/**
 * The index of the newest person at event id `eventId` (that event's own person if it is one).
 *
 * @example
 * lastPersonIndex(config, 0);  // 0: event 0 creates the first person
 * lastPersonIndex(config, 75); // 1 with the default 1:3:46 proportions
 */
export function lastPersonIndex(config: NexmarkConfig, eventId: number): number {
  const round = Math.floor(eventId / config.totalProportion);
  const offset = eventId - round * config.totalProportion;
  return round * config.personProportion + Math.min(offset, config.personProportion - 1);
}

/**
 * The index of the newest auction at event id `eventId` (that event's own auction if it is one);
 * -1 before the first auction.
 *
 * @example
 * lastAuctionIndex(config, 1); // 0: event 1 creates the first auction
 * lastAuctionIndex(config, 4); // 2: the round's three auctions all precede its bids
 */
export function lastAuctionIndex(config: NexmarkConfig, eventId: number): number {
  const round = Math.floor(eventId / config.totalProportion);
  const offset = eventId - round * config.totalProportion;
  if (offset < config.personProportion) return round * config.auctionProportion - 1;
  const auctionOffset = Math.min(offset - config.personProportion, config.auctionProportion - 1);
  return round * config.auctionProportion + auctionOffset;
}

/**
 * A random person among the last numActivePeople, or up to personIdLead not created yet (as if a
 * new person and their first action had arrived out of order). Limiting to active people keeps the
 * number of bids per person steady in a long run.
 *
 * @example
 * const bidder = config.firstPersonId + randomPersonIndex(config, eventId, rng);
 */
export function randomPersonIndex(config: NexmarkConfig, eventId: number, rng: SeededRandom): number {
  const numPeople = lastPersonIndex(config, eventId) + 1;
  const active = Math.min(numPeople, config.numActivePeople);
  return numPeople - active + rng.nextInt(active + config.personIdLead);
}

/**
 * A random auction among the last numInFlightAuctions (those likely still open), or up to
 * auctionIdLead not created yet.
 *
 * @example
 * const auction = config.firstAuctionId + randomAuctionIndex(config, eventId, rng);
 */
export function randomAuctionIndex(config: NexmarkConfig, eventId: number, rng: SeededRandom): number {
  const last = lastAuctionIndex(config, eventId);
  const first = Math.max(last - config.numInFlightAuctions, 0);
  return first + rng.nextInt(last - first + 1 + config.auctionIdLead);
}

// Hot ids are the first of each block of this many (the reference's HOT_*_RATIO constants), so
// the hot key moves on as the stream grows instead of one id absorbing the whole run.
const HOT_ID_BLOCK = 100;

/**
 * The hot auction at `eventId`: the first of the current block of 100 auctions.
 *
 * @example
 * const auction = config.firstAuctionId + hotAuctionIndex(config, eventId);
 */
export function hotAuctionIndex(config: NexmarkConfig, eventId: number): number {
  return Math.floor(lastAuctionIndex(config, eventId) / HOT_ID_BLOCK) * HOT_ID_BLOCK;
}

/**
 * The hot seller at `eventId`: the first person of the current block of 100.
 *
 * @example
 * const seller = config.firstPersonId + hotSellerIndex(config, eventId);
 */
export function hotSellerIndex(config: NexmarkConfig, eventId: number): number {
  return Math.floor(lastPersonIndex(config, eventId) / HOT_ID_BLOCK) * HOT_ID_BLOCK;
}

/**
 * The hot bidder at `eventId`: the second person of the current block of 100, so that the hot
 * bidder and the hot seller are different people. It may not exist yet (within personIdLead).
 *
 * @example
 * const bidder = config.firstPersonId + hotBidderIndex(config, eventId);
 */
export function hotBidderIndex(config: NexmarkConfig, eventId: number): number {
  return hotSellerIndex(config, eventId) + 1;
}
