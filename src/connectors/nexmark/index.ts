/**
 * The Nexmark benchmark's event generator, as pure functions of the event number.
 *
 * @example
 * import { nexmarkConfig, nexmarkEvent, nexmarkWatermark } from './connectors/nexmark/index.ts';
 * const config = nexmarkConfig({ outOfOrderGroupSize: 50 });
 * for (let n = 0; n < 1000; n++) emit(nexmarkEvent(config, n), nexmarkWatermark(config, n));
 */
export { NEXMARK_DEFAULTS, nexmarkConfig, type NexmarkConfig, type NexmarkOptions } from './config.ts';
export { nexmarkEvent, nexmarkTimestamp, nexmarkWatermark } from './generator.ts';
export {
  NexmarkEventType,
  type Auction,
  type AuctionEvent,
  type Bid,
  type BidEvent,
  type NexmarkEvent,
  type Person,
  type PersonEvent,
} from './model.ts';
