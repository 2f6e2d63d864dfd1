/**
 * A temporal join job on two manual inputs ('orders' and 'prices'), the StreamTestDriver around it,
 * and the brute-force oracle the property tests compare it with.
 *
 * @example
 * const j = temporalJob('left'); j.prices.push({ sku: 'a', price: 3 }, 10); j.orders.push(order('a', 12), 12);
 */
import { type DataStream, OutputTag, StreamEnvironment, WatermarkStrategy, sinks } from 'eddy';
import { type DriverSnapshot, StreamTestDriver } from 'eddy/testing';
import type { RunningGraph } from '../../src/runtime/running-graph.ts';
import type { KeyedStateBackend } from '../../src/state/state-table.ts';

export interface Order { readonly id: number; readonly sku: string }
/** A price change; `price: null` deletes the product. */
export interface PriceChange { readonly sku: string; readonly price: number | null }
export interface Priced { readonly id: number; readonly sku: string; readonly price: number | null }

export const LATE = new OutputTag<Order>('late-orders');

export function buildJob(env: StreamEnvironment, mode: 'inner' | 'left'): DataStream<Priced> {
  const orders = env.fromCollection<Order>([], WatermarkStrategy.noWatermarks(), 'orders');
  const prices = env.fromCollection<PriceChange>([], WatermarkStrategy.noWatermarks(), 'prices')
    .toTable((c) => c.sku, (c) => (c.price === null ? null : { price: c.price }));
  const join = orders.temporalJoin(prices, (o) => o.sku).sideOutputLateData(LATE);
  const joined = mode === 'inner'
    ? join.inner((o, p): Priced => ({ id: o.id, sku: o.sku, price: p.price }))
    : join.left((o, p): Priced => ({ id: o.id, sku: o.sku, price: p === null ? null : p.price }));
  joined.name('priced').uid('priced').sinkTo(sinks.collect<Priced>());
  return joined;
}

/** A driver over the job, optionally resumed from a snapshot, with its outputs captured. */
export function temporalJob(mode: 'inner' | 'left', restoreFrom?: DriverSnapshot, env = StreamEnvironment.create({ batchSize: 4 })) {
  const joined = buildJob(env, mode);
  const driver = StreamTestDriver.create(env, { watermarks: 'manual', restoreFrom });
  return {
    driver,
    joined,
    out: driver.output(joined),
    late: driver.sideOutput(joined, LATE),
    orders: driver.input<Order>('orders'),
    prices: driver.input<PriceChange>('prices'),
    backend: () => (driver as unknown as { graph: RunningGraph }).graph.nodes[joined.id].backend as KeyedStateBackend,
  };
}

export type Op =
  | { readonly op: 'order'; readonly id: number; readonly sku: string; readonly ts: number }
  | { readonly op: 'price'; readonly sku: string; readonly price: number | null; readonly ts: number }
  | { readonly op: 'wm'; readonly input: 'orders' | 'prices'; readonly to: number }
  | { readonly op: 'checkpoint' }
  | { readonly op: 'end' };

/** What one step emits: joined records with their timestamps, and late orders. */
export interface Step { readonly out: [number, Priced][]; readonly late: number[] }

/**
 * The specification, by brute force: an order at or behind min(orders wm, prices wm) on arrival is
 * late; otherwise it is emitted in the step where that minimum first reaches its timestamp, with the
 * price of the latest change at or before its timestamp among the changes that arrived so far (the
 * later arrival wins a tie). Price changes are generated at times after their own input's watermark.
 */
export function oracle(mode: 'inner' | 'left', ops: readonly Op[]): Step[] {
  const wms = { orders: Number.NEGATIVE_INFINITY, prices: Number.NEGATIVE_INFINITY };
  const changes: { sku: string; price: number | null; ts: number }[] = [];
  let waiting: { id: number; sku: string; ts: number }[] = [];
  const steps: Step[] = [];
  for (const o of ops) {
    const step: Step = { out: [], late: [] };
    const W = () => Math.min(wms.orders, wms.prices);
    if (o.op === 'order') {
      if (o.ts <= W()) step.late.push(o.id);
      else waiting.push(o);
    } else if (o.op === 'price') {
      changes.push(o);
    } else if (o.op === 'wm') {
      wms[o.input] = Math.max(wms[o.input], o.to);
    } else if (o.op === 'end') {
      wms.orders = wms.prices = Number.POSITIVE_INFINITY;
    }
    const due = waiting.filter((w) => w.ts <= W()).sort((a, b) => a.ts - b.ts);
    waiting = waiting.filter((w) => w.ts > W());
    for (const w of due) {
      let valid: { price: number | null; ts: number } | null = null;
      for (const c of changes) if (c.sku === w.sku && c.ts <= w.ts && (valid === null || c.ts >= valid.ts)) valid = c;
      const price = valid === null ? null : valid.price;
      if (price !== null || mode === 'left') step.out.push([w.ts, { id: w.id, sku: w.sku, price }]);
    }
    steps.push(step);
  }
  return steps;
}
