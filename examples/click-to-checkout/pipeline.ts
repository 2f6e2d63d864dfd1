/**
 * click-to-checkout: which product clicks turned into a purchase of that product within 30 minutes.
 *
 * Shows an interval join of two streams: each click meets the checkout lines of the same user and
 * product from 0 to 30 minutes after it. Both streams wait in keyed state only as long as a match
 * is still possible, then leave it; as a left outer join, a click nobody bought after is written
 * with `order: null` once its 30 minutes have passed. Clicks and checkouts too late to be joined
 * go to their own late outputs.
 */
import {
  OutputTag, WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment,
} from 'eddy';

/** A product page view. */
export interface Click {
  readonly click_id: string;
  readonly user: string;
  readonly product: string;
  readonly ts: number;
}

/** A completed order: one or more products. */
export interface Checkout {
  readonly order_id: string;
  readonly user: string;
  readonly items: readonly { readonly product: string; readonly price: number }[];
  readonly ts: number;
}

/** One product of a checkout, the unit the clicks are joined with. */
export interface CheckoutLine {
  readonly order_id: string;
  readonly user: string;
  readonly product: string;
  readonly price: number;
  readonly ts: number;
}

/** What the job writes for every click: the purchase it led to, if any. */
export interface Attribution {
  readonly click_id: string;
  readonly user: string;
  readonly product: string;
  readonly click_ts: number;
  /** The order that bought the product within the window, or null. */
  readonly order_id: string | null;
  readonly price: number | null;
  /** Checkout time minus click time, or null. */
  readonly lag_ms: number | null;
}

/** A purchase counts for a click when it comes at most this long after it. */
export const ATTRIBUTION_MS = 30 * 60_000;
/** Out-of-orderness bound of both feeds, in ms. */
export const OUT_OF_ORDERNESS_MS = 10_000;
/** A feed silent for this long (processing time) no longer holds the other one back. */
export const IDLENESS_MS = 60_000;

export const LATE_CLICKS = new OutputTag<Click>('late-clicks');
export const LATE_CHECKOUTS = new OutputTag<CheckoutLine>('late-checkout-lines');

/** Where the job reads and writes. */
export interface ClickToCheckoutPaths {
  readonly clicks: string;
  readonly checkouts: string;
  readonly attributions: string;
  readonly lateClicks: string;
  readonly lateCheckouts: string;
}

/** The streams of the job, for tests to observe. */
export interface ClickToCheckoutStreams {
  readonly attributions: DataStream<Attribution>;
  readonly lateClicks: DataStream<Click>;
  readonly lateCheckouts: DataStream<CheckoutLine>;
}

/** The key both sides are joined on: one user and one product. */
export const userProduct = (e: { readonly user: string; readonly product: string }): string => `${e.user}|${e.product}`;

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * clickToCheckout(env, { clicks: 'clicks.jsonl', checkouts: 'checkouts.jsonl', attributions: 'out/attributions.jsonl',
 *   lateClicks: 'out/late-clicks.jsonl', lateCheckouts: 'out/late-checkouts.jsonl' });
 * await env.execute('click-to-checkout');
 */
export function clickToCheckout(env: StreamEnvironment, paths: ClickToCheckoutPaths): ClickToCheckoutStreams {
  const clicks = env.fromSource(
    sources.jsonl<Click>(paths.clicks),
    WatermarkStrategy.forBoundedOutOfOrderness<Click>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((c) => c.ts).withIdleness(IDLENESS_MS),
    'clicks',
  );
  const lines = env.fromSource(
    sources.jsonl<Checkout>(paths.checkouts),
    WatermarkStrategy.forBoundedOutOfOrderness<Checkout>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((c) => c.ts).withIdleness(IDLENESS_MS),
    'checkouts',
  ).flatMap<CheckoutLine>((c, out) => {
    for (const item of c.items) out.collect({ order_id: c.order_id, user: c.user, product: item.product, price: item.price, ts: c.ts });
  }).name('checkout-lines');

  const attributions = clicks.keyBy(userProduct)
    .intervalJoin(lines.keyBy(userProduct))
    .between(0, ATTRIBUTION_MS)
    .leftOuter()
    .sideOutputLeftLateData(LATE_CLICKS)
    .sideOutputRightLateData(LATE_CHECKOUTS)
    .apply((click, line): Attribution => ({
      click_id: click.click_id, user: click.user, product: click.product, click_ts: click.ts,
      order_id: line?.order_id ?? null, price: line?.price ?? null, lag_ms: line === null ? null : line.ts - click.ts,
    }))
    .name('click-to-checkout');
  const lateClicks = attributions.getSideOutput(LATE_CLICKS);
  const lateCheckouts = attributions.getSideOutput(LATE_CHECKOUTS);

  attributions.sinkTo(sinks.jsonl(paths.attributions)).name('attributions');
  lateClicks.sinkTo(sinks.jsonl(paths.lateClicks)).name('late-clicks');
  lateCheckouts.sinkTo(sinks.jsonl(paths.lateCheckouts)).name('late-checkouts');
  return { attributions, lateClicks, lateCheckouts };
}
