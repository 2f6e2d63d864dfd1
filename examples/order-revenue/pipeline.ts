/**
 * order-revenue: revenue, order count and average order value per minute, from CSV to CSV.
 *
 * Shows the CSV source with typed columns (`number`, and `date` parsing ISO timestamps to epoch
 * ms), one custom AggregateFunction computing three figures in a single pass, a window function
 * that shapes the output row, and the CSV sink with explicit columns.
 */
import {
  OutputTag, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
  type AggregateFunction, type DataStream, type StreamEnvironment,
} from 'eddy';

/** One order, as exported by the shop (the CSV's header names the fields). */
export interface Order {
  readonly order_id: string;
  readonly customer: string;
  /** In dollars, with cents. */
  readonly amount: number;
  /** When the order was placed (event time): ISO 8601 in the file, epoch ms once read. */
  readonly ts: number;
}

/** An order as a CSV row: the timestamp in ISO 8601. */
export type OrderRow = Omit<Order, 'ts'> & { readonly ts: string };

/** What the aggregate computes for a minute. */
export interface Revenue {
  readonly orders: number;
  readonly revenue: number;
  readonly avgOrderValue: number;
}

/** One row of the output CSV. */
export interface MinuteRevenue {
  readonly window_start: string;
  readonly window_end: string;
  readonly orders: number;
  readonly revenue: number;
  readonly avg_order_value: number;
}

/** Window length and out-of-orderness bound, in ms; no allowed lateness. */
export const WINDOW_MS = 60_000;
export const OUT_OF_ORDERNESS_MS = 10_000;
/** Column order of the two output files. */
export const REVENUE_COLUMNS = ['window_start', 'window_end', 'orders', 'revenue', 'avg_order_value'] as const;
export const ORDER_COLUMNS = ['order_id', 'customer', 'amount', 'ts'] as const;

/** Orders that arrive after their minute has been reported. */
export const LATE_ORDERS = new OutputTag<Order>('late-orders');

/** The accumulator counts cents, in integers, so sums of many prices stay exact. */
interface RevenueAccumulator {
  cents: number;
  orders: number;
}

/**
 * Revenue, order count and average order value in one pass.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).aggregate(revenueAggregate);
 */
export const revenueAggregate: AggregateFunction<Order, RevenueAccumulator, Revenue> = {
  createAccumulator: () => ({ cents: 0, orders: 0 }),
  add(order, acc) {
    acc.cents += Math.round(order.amount * 100);
    acc.orders += 1;
    return acc;
  },
  getResult: (acc) => ({
    orders: acc.orders,
    revenue: acc.cents / 100,
    avgOrderValue: acc.orders === 0 ? 0 : Math.round(acc.cents / acc.orders) / 100,
  }),
  merge: (a, b) => ({ cents: a.cents + b.cents, orders: a.orders + b.orders }),
};

/** Where the job reads and writes. */
export interface OrderRevenuePaths {
  /** Input CSV with the header `order_id,customer,amount,ts`. */
  readonly orders: string;
  /** Output CSV, one `MinuteRevenue` row per minute that had orders. */
  readonly revenue: string;
  /** Output CSV of the orders that came too late, in the input's format. */
  readonly lateOrders: string;
}

/** The streams of the job, for tests to observe. */
export interface OrderRevenueStreams {
  readonly orders: DataStream<Order>;
  readonly revenue: DataStream<MinuteRevenue>;
  readonly lateOrders: DataStream<Order>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * orderRevenue(env, { orders: 'orders.csv', revenue: 'out/revenue.csv', lateOrders: 'out/late-orders.csv' });
 * await env.execute('order-revenue');
 */
export function orderRevenue(env: StreamEnvironment, paths: OrderRevenuePaths): OrderRevenueStreams {
  const orders = env.fromSource(
    sources.csv<Order>(paths.orders, { types: { amount: 'number', ts: 'date' } }),
    WatermarkStrategy.forBoundedOutOfOrderness<Order>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((o) => o.ts),
    'orders',
  );
  // One figure for the whole shop: every order gets the same key (Eddy has no windowAll).
  const revenue = orders
    .keyBy(() => 'shop')
    .window(TumblingEventTimeWindows.of<Order>(WINDOW_MS))
    .sideOutputLateData(LATE_ORDERS)
    .aggregate(revenueAggregate, (_shop, w, r): MinuteRevenue => ({
      window_start: new Date(w.start).toISOString(),
      window_end: new Date(w.end).toISOString(),
      orders: r.orders,
      revenue: r.revenue,
      avg_order_value: r.avgOrderValue,
    }))
    .name('revenue-per-minute');
  const lateOrders = revenue.getSideOutput(LATE_ORDERS);

  revenue.sinkTo(sinks.csv<MinuteRevenue>(paths.revenue, { columns: REVENUE_COLUMNS })).name('revenue');
  // Late orders are written in the input's own format, so they can be fed to a correction run.
  lateOrders
    .map((o): OrderRow => ({ ...o, ts: new Date(o.ts).toISOString() }))
    .sinkTo(sinks.csv<OrderRow>(paths.lateOrders, { columns: ORDER_COLUMNS }))
    .name('late-orders');
  return { orders, revenue, lateOrders };
}
