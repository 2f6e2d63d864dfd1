/**
 * supply-demand: available drivers against ride requests per map cell, every 30 seconds.
 *
 * Shows two sources with their own watermarks and idleness, mapped into one discriminated-union
 * type and merged with `union` (whose watermark is the minimum of its inputs that are not idle),
 * and a custom AggregateFunction that counts requests and distinct drivers in one pass.
 */
import {
  OutputTag, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
  type AggregateFunction, type DataStream, type StreamEnvironment,
} from 'eddy';

/** A rider asks for a car. */
export interface RideRequest {
  readonly request_id: string;
  readonly rider: string;
  /** Map cell (a geohash prefix) of the pickup point. */
  readonly cell: string;
  readonly ts: number;
}

/** A driver's app says, every 15 s while the driver is free, where the driver is. */
export interface DriverAvailable {
  readonly driver: string;
  readonly cell: string;
  readonly ts: number;
}

/** Both inputs as one stream: `kind` tells them apart, and narrows the type. */
export type CellEvent =
  | { readonly kind: 'request'; readonly cell: string; readonly ts: number; readonly requestId: string }
  | { readonly kind: 'driver'; readonly cell: string; readonly ts: number; readonly driverId: string };

/** What the job writes for each cell and window. */
export interface CellBalance {
  readonly cell: string;
  readonly start: number;
  readonly end: number;
  /** Distinct drivers available in the cell during the window. */
  readonly supply: number;
  /** Ride requests from the cell during the window. */
  readonly demand: number;
  /** supply / demand, rounded to hundredths; null when there was no demand. */
  readonly ratio: number | null;
}

/** Window length and out-of-orderness bound of both feeds, in ms. */
export const WINDOW_MS = 30_000;
export const OUT_OF_ORDERNESS_MS = 5_000;
/** A feed silent for this long (processing time) no longer holds the other one back. */
export const IDLENESS_MS = 30_000;

/** Events that arrive after their window has been written. */
export const LATE_EVENTS = new OutputTag<CellEvent>('late-events');

/** Driver ids are few per cell and window, so a plain array (which also serializes) is the set. */
interface Tally {
  requests: number;
  drivers: string[];
}

/**
 * Demand and distinct supply in one pass.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(30_000)).aggregate(tally);
 */
export const tally: AggregateFunction<CellEvent, Tally, { supply: number; demand: number }> = {
  createAccumulator: () => ({ requests: 0, drivers: [] }),
  add(e, acc) {
    if (e.kind === 'request') acc.requests += 1;
    else if (!acc.drivers.includes(e.driverId)) acc.drivers.push(e.driverId);
    return acc;
  },
  getResult: (acc) => ({ supply: acc.drivers.length, demand: acc.requests }),
  merge: (a, b) => ({ requests: a.requests + b.requests, drivers: [...new Set([...a.drivers, ...b.drivers])] }),
};

/** Where the job reads and writes. */
export interface SupplyDemandPaths {
  /** Input, one JSON `RideRequest` per line. */
  readonly requests: string;
  /** Input, one JSON `DriverAvailable` per line. */
  readonly drivers: string;
  /** Output, one `CellBalance` per cell and window with any activity. */
  readonly balance: string;
  readonly lateEvents: string;
}

/** The streams of the job, for tests to observe. */
export interface SupplyDemandStreams {
  readonly events: DataStream<CellEvent>;
  readonly balance: DataStream<CellBalance>;
  readonly lateEvents: DataStream<CellEvent>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * supplyDemand(env, { requests: 'requests.jsonl', drivers: 'drivers.jsonl', balance: 'out/balance.jsonl', lateEvents: 'out/late.jsonl' });
 * await env.execute('supply-demand');
 */
export function supplyDemand(env: StreamEnvironment, paths: SupplyDemandPaths): SupplyDemandStreams {
  const requests = env
    .fromSource(
      sources.jsonl<RideRequest>(paths.requests),
      WatermarkStrategy.forBoundedOutOfOrderness<RideRequest>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((r) => r.ts).withIdleness(IDLENESS_MS),
      'requests',
    )
    .map((r): CellEvent => ({ kind: 'request', cell: r.cell, ts: r.ts, requestId: r.request_id }))
    .name('requests-as-events');
  const drivers = env
    .fromSource(
      sources.jsonl<DriverAvailable>(paths.drivers),
      WatermarkStrategy.forBoundedOutOfOrderness<DriverAvailable>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((d) => d.ts).withIdleness(IDLENESS_MS),
      'drivers',
    )
    .map((d): CellEvent => ({ kind: 'driver', cell: d.cell, ts: d.ts, driverId: d.driver }))
    .name('drivers-as-events');

  const events = requests.union(drivers).name('events');
  const balance = events
    .keyBy((e) => e.cell)
    .window(TumblingEventTimeWindows.of<CellEvent>(WINDOW_MS))
    .sideOutputLateData(LATE_EVENTS)
    .aggregate(tally, (cell, w, { supply, demand }): CellBalance => ({
      cell, start: w.start, end: w.end, supply, demand, ratio: demand === 0 ? null : Math.round((supply / demand) * 100) / 100,
    }))
    .name('balance-per-cell');
  const lateEvents = balance.getSideOutput(LATE_EVENTS);

  balance.sinkTo(sinks.jsonl(paths.balance)).name('balance');
  lateEvents.sinkTo(sinks.jsonl(paths.lateEvents)).name('late-events');
  return { events, balance, lateEvents };
}
