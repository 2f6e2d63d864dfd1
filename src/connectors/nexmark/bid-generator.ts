import { channelTable } from './channel-table.ts';
import type { NexmarkConfig } from './config.ts';
import { hotAuctionIndex, hotBidderIndex, randomAuctionIndex, randomPersonIndex } from './id-windows.ts';
import type { Bid } from './model.ts';
import type { SeededRandom } from './random.ts';
import { randomPrice } from './random-price.ts';
import { randomPadding } from './random-text.ts';

// Half of all bids come through one of the four hot channels (the reference's HOT_CHANNELS_RATIO).
const HOT_CHANNEL_RATIO = 2;

/**
 * The bid made by event id `eventId` at event time `time`, drawing from `rng` (already seeded for
 * this event). Bids mostly go to the hot auction and come from the hot bidder, so the keyed
 * queries see skew; the rest refer to recent auctions and active people.
 *
 * @example
 * rng.seed(4);
 * const bid = nextBid(config, 4, config.baseTime, rng); // bid.auction in 1000..1012
 */
export function nextBid(config: NexmarkConfig, eventId: number, time: number, rng: SeededRandom): Bid {
  const auctionIndex =
    rng.nextInt(config.hotAuctionRatio) > 0
      ? hotAuctionIndex(config, eventId)
      : randomAuctionIndex(config, eventId, rng);
  const bidderIndex =
    rng.nextInt(config.hotBiddersRatio) > 0
      ? hotBidderIndex(config, eventId)
      : randomPersonIndex(config, eventId, rng);
  const price = randomPrice(rng);
  const channels = channelTable(config.numChannels);
  let channel: string;
  let url: string;
  if (rng.nextInt(HOT_CHANNEL_RATIO) > 0) {
    const i = rng.nextInt(channels.hotNames.length);
    channel = channels.hotNames[i];
    url = channels.hotUrls[i];
  } else {
    const i = rng.nextInt(config.numChannels);
    channel = channels.name(i);
    url = channels.url(i);
  }
  // The reference's size model: four 8-byte numbers; channel and url are not counted.
  const extra = randomPadding(rng, 32, config.avgBidByteSize);
  return {
    auction: config.firstAuctionId + auctionIndex,
    bidder: config.firstPersonId + bidderIndex,
    price,
    channel,
    url,
    dateTime: time,
    extra,
  };
}
