import type { NexmarkConfig } from './config.ts';
import { eventTimeAt } from './event-time.ts';
import { hotSellerIndex, lastAuctionIndex, randomPersonIndex } from './id-windows.ts';
import type { Auction } from './model.ts';
import type { SeededRandom } from './random.ts';
import { randomPrice } from './random-price.ts';
import { randomPadding, randomText } from './random-text.ts';

/**
 * How long an auction stays open, ms: uniform in [1, 2 * horizon], where the horizon is the event
 * time until numInFlightAuctions more auctions will have been created. So on average about that
 * many auctions are open at once, whatever the event rate.
 */
function auctionLengthMs(config: NexmarkConfig, adjustedNumber: number, time: number, rng: SeededRandom): number {
  const horizonMs = eventTimeAt(config, adjustedNumber + config.auctionHorizonEvents) - time;
  return 1 + rng.nextInt(Math.max(horizonMs * 2, 1));
}

/**
 * The auction created by event id `eventId`, the event with adjusted number `adjustedNumber` and
 * event time `time`, drawing from `rng` (already seeded for this event).
 *
 * @example
 * rng.seed(1);
 * const auction = nextAuction(config, 1, 1, config.baseTime, rng); // auction.id === 1000
 */
export function nextAuction(
  config: NexmarkConfig,
  eventId: number,
  adjustedNumber: number,
  time: number,
  rng: SeededRandom,
): Auction {
  const id = config.firstAuctionId + lastAuctionIndex(config, eventId);
  const sellerIndex =
    rng.nextInt(config.hotSellersRatio) > 0
      ? hotSellerIndex(config, eventId)
      : randomPersonIndex(config, eventId, rng);
  const seller = config.firstPersonId + sellerIndex;
  const category = config.firstCategoryId + rng.nextInt(config.numCategories);
  const initialBid = randomPrice(rng);
  const expires = time + auctionLengthMs(config, adjustedNumber, time, rng);
  const itemName = randomText(rng, 20);
  const description = randomText(rng, 100);
  const reserve = initialBid + randomPrice(rng);
  // The reference's size model: six 8-byte numbers plus the two strings.
  const size = 48 + itemName.length + description.length;
  const extra = randomPadding(rng, size, config.avgAuctionByteSize);
  return { id, itemName, description, initialBid, reserve, dateTime: time, expires, seller, category, extra };
}
