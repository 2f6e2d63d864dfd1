import { Aggregates, TumblingEventTimeWindows, type Auction, type DataStream, type NexmarkEvent, type StreamEnvironment } from 'eddy';
import { auctions, persons } from './persons-and-auctions.ts';

/** A person who registered and opened an auction in the same 10 s window. */
export interface Q8Result {
  readonly id: number;
  readonly name: string;
  /** The window's start. */
  readonly stime: number;
}

export const Q8_WINDOW_MS = 10_000;

/**
 * Nexmark q8, monitor new users: persons joined to the sellers of auctions in the same 10 s
 * tumbling window. The reference groups auctions by (seller, window) before joining, so a person
 * appears once per window however many auctions they opened: here a count per seller and window
 * does that (its results carry the time end - 1, inside the window), then a window join pairs
 * persons and sellers of the same window.
 *
 * @example
 * q8(env, events).sinkTo(sinks.collect()); // { id: 1007, name: 'Peter Shultz', stime: 1_700_000_010_000 }
 */
export function q8(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q8Result> {
  const sellers = auctions(events).keyBy((a) => a.seller)
    .window(TumblingEventTimeWindows.of<Auction>(Q8_WINDOW_MS)).aggregate(Aggregates.count<Auction>(), (seller, w) => ({ seller, start: w.start }))
    .name('q8-sellers-per-window');
  return persons(events).keyBy((p) => p.id)
    .join(sellers.keyBy((s) => s.seller))
    .window(TumblingEventTimeWindows.of(Q8_WINDOW_MS))
    .apply((p, s): Q8Result => ({ id: p.id, name: p.name, stime: s.start }))
    .name('q8-join');
}
