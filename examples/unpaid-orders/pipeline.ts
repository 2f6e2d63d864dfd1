/**
 * unpaid-orders: orders with no payment within 15 minutes. An absence: the pattern ends in
 * `notFollowedBy` with `within`, so a match completes when the window passes without a payment,
 * stamped with that moment (order time + 15 minutes).
 *
 * Shows two sources merged into one discriminated union (`kind`), keyed by order id, and the
 * absence pattern; each key holds state only until its payment or its window, so state stays as
 * small as the orders of the last 15 minutes.
 */
import { CEP, Pattern, WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment } from 'eddy';

export interface Order {
  readonly order_id: string;
  readonly customer: string;
  readonly ts: number;
  readonly amount_usd: number;
}

export interface Payment {
  readonly payment_id: string;
  readonly order_id: string;
  readonly ts: number;
  readonly amount_usd: number;
}

/** Orders and payments in one stream. */
export type Event = ({ readonly kind: 'order' } & Order) | ({ readonly kind: 'payment' } & Payment);

/** What the job writes: an order that was not paid in time. */
export interface Unpaid {
  readonly order_id: string;
  readonly customer: string;
  readonly amount_usd: number;
  readonly placedAt: number;
  /** When the absence became certain: placed + 15 minutes. */
  readonly unpaidAt: number;
}

export const PAY_WITHIN_MS = 15 * 60_000;
export const OUT_OF_ORDERNESS_MS = 30_000;
/** A feed quiet for this long does not hold the other's watermark back. */
export const IDLE_MS = 60_000;

/** An order, then no payment for it within 15 minutes. */
export const NOT_PAID = Pattern.of<Event>()
  .begin('order').where((e): e is Event & { kind: 'order' } => e.kind === 'order')
  .notFollowedBy('payment').where((e) => e.kind === 'payment')
  .within(PAY_WITHIN_MS);

export interface UnpaidOrdersPaths {
  readonly orders: string;
  readonly payments: string;
  readonly unpaid: string;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * unpaidOrders(env, { orders: 'orders.jsonl', payments: 'payments.jsonl', unpaid: 'out/unpaid.jsonl' });
 */
export function unpaidOrders(env: StreamEnvironment, paths: UnpaidOrdersPaths): { unpaid: DataStream<Unpaid> } {
  const strategy = <T extends { ts: number }>() =>
    WatermarkStrategy.forBoundedOutOfOrderness<T>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((e) => e.ts).withIdleness(IDLE_MS);
  const orders = env.fromSource(sources.jsonl<Order>(paths.orders), strategy<Order>(), 'orders')
    .map((o): Event => ({ kind: 'order', ...o })).name('as-event');
  const payments = env.fromSource(sources.jsonl<Payment>(paths.payments), strategy<Payment>(), 'payments')
    .map((p): Event => ({ kind: 'payment', ...p })).name('payment-as-event');
  const unpaid = CEP.pattern(orders.union(payments).keyBy((e) => e.order_id), NOT_PAID)
    .select((m): Unpaid => {
      const o = m.order[0];
      return { order_id: o.order_id, customer: o.customer, amount_usd: o.amount_usd, placedAt: o.ts, unpaidAt: o.ts + PAY_WITHIN_MS };
    })
    .name('not-paid')
    .uid('not-paid');
  unpaid.sinkTo(sinks.jsonl(paths.unpaid)).name('unpaid-file');
  return { unpaid };
}
