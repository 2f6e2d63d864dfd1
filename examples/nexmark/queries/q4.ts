import {
  NexmarkEventType, OutputTag, type DataStream, type KeyedProcessFunction, type ListState, type NexmarkEvent,
  type StreamEnvironment, type ValueState,
} from 'eddy';

/** The average winning price of the closed auctions of a category, so far. */
export interface Q4Result {
  readonly category: number;
  readonly avg: number;
}

/** An auction closed with at least one bid in its lifetime: its highest price. */
export interface ClosedAuction {
  readonly id: number;
  readonly category: number;
  readonly final: number;
}

/** Auctions, and bids on unknown or closed auctions, that arrive with a time the watermark has passed. */
export const Q4_LATE = new OutputTag<NexmarkEvent>('q4-late');

interface Open { readonly category: number; readonly dateTime: number; readonly expires: number }
interface PendingBid { readonly price: number; readonly dateTime: number }

type Fn = KeyedProcessFunction<number, NexmarkEvent, ClosedAuction> & {
  auction: ValueState<Open>;
  max: ValueState<number>;
  pending: ListState<PendingBid>;
};

/**
 * Per auction id: the auction's lifetime and its highest bid with dateTime in [dateTime, expires];
 * when the watermark passes `expires` the auction closes with that price. Bids that come before
 * their auction wait (until the watermark passes their own time, after which their auction could
 * only arrive late).
 */
const closing: Fn = {
  auction: undefined as never,
  max: undefined as never,
  pending: undefined as never,
  open(ctx) {
    this.auction = ctx.getState('auction');
    this.max = ctx.getState('max');
    this.pending = ctx.getListState('pending');
  },
  processElement(e, ctx) {
    const late = ctx.timestamp() <= ctx.currentWatermark();
    if (e.type === NexmarkEventType.auction) {
      if (late) return ctx.output(Q4_LATE, e);
      const a = e.auction;
      this.auction.update({ category: a.category, dateTime: a.dateTime, expires: a.expires });
      for (const b of this.pending.get()) this.bid(b.price, b.dateTime, a);
      this.pending.clear();
      ctx.timerService().registerEventTimeTimer(a.expires);
    } else if (e.type === NexmarkEventType.bid) {
      const a = this.auction.value();
      if (a !== undefined) this.bid(e.bid.price, e.bid.dateTime, a);
      else if (late) ctx.output(Q4_LATE, e);
      else {
        this.pending.add({ price: e.bid.price, dateTime: e.bid.dateTime });
        ctx.timerService().registerEventTimeTimer(e.bid.dateTime);
      }
    }
  },
  bid(this: Fn, price: number, dateTime: number, a: Open) {
    if (dateTime < a.dateTime || dateTime > a.expires) return;
    const max = this.max.value();
    if (max === undefined || price > max) this.max.update(price);
  },
  onTimer(time, ctx, out) {
    const a = this.auction.value();
    if (a === undefined) {
      this.pending.update(this.pending.get().filter((b) => b.dateTime > time));
    } else if (time >= a.expires) {
      const max = this.max.value();
      if (max !== undefined) out.collect({ id: ctx.getCurrentKey(), category: a.category, final: max });
      this.auction.clear();
      this.max.clear();
    }
  },
} as Fn & { bid(this: Fn, price: number, dateTime: number, a: Open): void };

/**
 * Nexmark q4, average price for a category: each auction's winning bid (its highest bid within
 * [dateTime, expires]), averaged per category. The join of auctions and bids has a bound that
 * differs per auction, its own lifetime, so it is a keyed process function on auction id holding
 * the auction and its running maximum until the watermark passes `expires`; then a rolling
 * average per category. Each closed auction updates its category's average: the last value per
 * category is the reference's result at the end of input.
 *
 * @example
 * q4(env, events).sinkTo(sinks.collect()); // { category: 10, avg: 43_123.5 }, ...
 */
export function q4(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q4Result> {
  const closed = events
    .filter((e) => e.type !== NexmarkEventType.person)
    .keyBy((e) => (e.type === NexmarkEventType.auction ? e.auction.id : e.bid!.auction))
    .process(closing)
    .name('q4-winning-bids');
  return closed
    .map((c) => ({ category: c.category, sum: c.final, count: 1 }))
    .keyBy((c) => c.category)
    .reduce((a, b) => ({ category: a.category, sum: a.sum + b.sum, count: a.count + b.count }))
    .map((c): Q4Result => ({ category: c.category, avg: c.sum / c.count }))
    .name('q4-average-per-category');
}
