import { PADDING_POOL_LENGTH } from './random-text.ts';

/**
 * The knobs of the Nexmark generator. Defaults are those of the reference generators (Beam's and
 * nexmark/nexmark's NexmarkConfiguration and GeneratorConfig), except `baseTime`, which is fixed so
 * that two runs produce byte-identical streams.
 *
 * @example
 * const options: Partial<NexmarkOptions> = { firstEventRate: 1_000_000, outOfOrderGroupSize: 50 };
 */
export interface NexmarkOptions {
  /** Events per second of event time; at maximum emit speed it only spaces event times. */
  readonly firstEventRate: number;
  /** Generators sharing the rate: each one spaces its own events this many times wider. */
  readonly numEventGenerators: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  /** Target record sizes in the reference's accounting: 8 bytes a number plus string lengths. */
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  /** A bid goes to the hot auction with probability 1 - 1/hotAuctionRatio. */
  readonly hotAuctionRatio: number;
  /** An auction is sold by the hot seller with probability 1 - 1/hotSellersRatio. */
  readonly hotSellersRatio: number;
  /** A bid is placed by the hot bidder with probability 1 - 1/hotBiddersRatio. */
  readonly hotBiddersRatio: number;
  /** Window sizes of the windowed queries; the generator itself does not read them. */
  readonly windowSizeSec: number;
  readonly windowPeriodSec: number;
  /** Events are shuffled in event time within groups of this many (1: in order). */
  readonly outOfOrderGroupSize: number;
  /** Event time of event 0, epoch milliseconds. */
  readonly baseTime: number;
  /** Offset of this generator's event ids, for splitting one stream between generators. */
  readonly firstEventId: number;
  /** Random auctions are drawn from the last this many (plus the lead). */
  readonly numInFlightAuctions: number;
  /** Random people are drawn from the last this many (plus the lead). */
  readonly numActivePeople: number;
  readonly firstPersonId: number;
  readonly firstAuctionId: number;
  readonly firstCategoryId: number;
  readonly numCategories: number;
  /** How far past the last generated id a random reference may point (an id not yet created). */
  readonly personIdLead: number;
  readonly auctionIdLead: number;
  /** Distinct non-hot bid channels (`channel-0` ...). */
  readonly numChannels: number;
}

/**
 * A complete, frozen generator configuration: every option plus values derived from them once, so
 * that generating an event does no setup work.
 *
 * @example
 * const config: NexmarkConfig = nexmarkConfig();
 * config.interEventDelayUs; // 100 at the default 10,000 events/s
 */
export interface NexmarkConfig extends NexmarkOptions {
  /** personProportion + auctionProportion + bidProportion (50 by default). */
  readonly totalProportion: number;
  /** Microseconds of event time between consecutive events of this generator. */
  readonly interEventDelayUs: number;
  /** Events until numInFlightAuctions more auctions exist: the mean auction length, in events. */
  readonly auctionHorizonEvents: number;
}

/**
 * The reference defaults; `baseTime` is 2026-01-01T00:00:00Z.
 *
 * @example
 * NEXMARK_DEFAULTS.bidProportion; // 46
 */
export const NEXMARK_DEFAULTS: NexmarkOptions = Object.freeze({
  firstEventRate: 10_000,
  numEventGenerators: 1,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  windowSizeSec: 10,
  windowPeriodSec: 5,
  outOfOrderGroupSize: 1,
  baseTime: Date.UTC(2026, 0, 1),
  firstEventId: 0,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  firstPersonId: 1000,
  firstAuctionId: 1000,
  firstCategoryId: 10,
  numCategories: 5,
  personIdLead: 10,
  auctionIdLead: 10,
  numChannels: 10_000,
});

// Padding is cut from a fixed pool; the largest padding is 1.2 times the average.
const MAX_AVG_BYTE_SIZE = Math.floor(PADDING_POOL_LENGTH / 2);

/** The smallest value each integer option may take; the rest need their own check. */
const INTEGER_MINIMUMS = {
  numEventGenerators: 1,
  personProportion: 1,
  auctionProportion: 1,
  bidProportion: 0,
  avgPersonByteSize: 0,
  avgAuctionByteSize: 0,
  avgBidByteSize: 0,
  hotAuctionRatio: 1,
  hotSellersRatio: 1,
  hotBiddersRatio: 1,
  windowSizeSec: 1,
  windowPeriodSec: 1,
  outOfOrderGroupSize: 1,
  baseTime: Number.MIN_SAFE_INTEGER,
  firstEventId: 0,
  numInFlightAuctions: 0,
  numActivePeople: 1,
  firstPersonId: 0,
  firstAuctionId: 0,
  firstCategoryId: 0,
  numCategories: 1,
  personIdLead: 0,
  auctionIdLead: 0,
  numChannels: 1,
} satisfies Partial<Record<keyof NexmarkOptions, number>>;

/**
 * Fills in the defaults, checks every option and precomputes the derived fields.
 * Throws on an unknown option name or an out-of-range value, naming the option.
 *
 * @example
 * const config = nexmarkConfig({ firstEventRate: 100_000, outOfOrderGroupSize: 50 });
 * const event = nexmarkEvent(config, 0);
 */
export function nexmarkConfig(options: Partial<NexmarkOptions> = {}): NexmarkConfig {
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(NEXMARK_DEFAULTS, name)) {
      throw new Error(
        `nexmarkConfig: unknown option "${name}". Known options: ${Object.keys(NEXMARK_DEFAULTS).join(', ')}.`,
      );
    }
  }
  // An option given as undefined keeps its default, so callers can pass optional flags straight on.
  const merged: Record<string, unknown> = { ...NEXMARK_DEFAULTS };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) merged[name] = value;
  const o = merged as unknown as NexmarkOptions;
  for (const [name, min] of Object.entries(INTEGER_MINIMUMS)) {
    const value = merged[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new Error(`nexmarkConfig: option "${name}" must be an integer >= ${min}; got ${String(value)}.`);
    }
  }
  const rate = o.firstEventRate;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw new Error(`nexmarkConfig: option "firstEventRate" must be a positive number; got ${String(rate)}.`);
  }
  for (const name of ['avgPersonByteSize', 'avgAuctionByteSize', 'avgBidByteSize'] as const) {
    if (o[name] > MAX_AVG_BYTE_SIZE) {
      throw new Error(`nexmarkConfig: option "${name}" must be at most ${MAX_AVG_BYTE_SIZE}; got ${o[name]}.`);
    }
  }
  const totalProportion = o.personProportion + o.auctionProportion + o.bidProportion;
  return Object.freeze({
    ...o,
    totalProportion,
    interEventDelayUs: (1_000_000 / o.firstEventRate) * o.numEventGenerators,
    auctionHorizonEvents: Math.floor((o.numInFlightAuctions * totalProportion) / o.auctionProportion),
  });
}
