import { SlidingEventTimeWindows, TumblingEventTimeWindows, type DataStream, type NexmarkEvent, type StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/** An auction with the most bids (or tied for it) in one sliding window. */
export interface Q5Result {
  readonly auction: number;
  /** Bids on the auction in the window. */
  readonly num: number;
  readonly starttime: number;
  readonly endtime: number;
}

/** The reference's windows: the last 10 seconds, every 2 seconds. */
export const Q5_SIZE_MS = 10_000;
export const Q5_SLIDE_MS = 2_000;

/**
 * Nexmark q5, hot items: the auctions with the most bids in each 10 s window sliding by 2 s. Two
 * stages, as the reference's join of per-auction counts to their window's maximum: count per
 * auction per window, then group the counts by window and keep those equal to the maximum.
 * A window's counts all carry the timestamp `end - 1`, so the second stage's window over them
 * closes on the same watermark, right after the first stage has emitted them.
 *
 * @example
 * q5(env, events).sinkTo(sinks.jsonl('q5.jsonl')); // { auction: 1200, num: 4587, starttime, endtime }
 */
export function q5(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Q5Result> {
  const counts = bids(events)
    .keyBy((b) => b.auction)
    .window(SlidingEventTimeWindows.of(Q5_SIZE_MS, Q5_SLIDE_MS))
    .count()
    .name('q5-bids-per-auction');
  return counts
    .keyBy((c) => c.end)
    .window(TumblingEventTimeWindows.of(Q5_SLIDE_MS))
    .process<Q5Result>((_end, _w, all, out) => {
      let max = 0;
      for (const c of all) if (c.value > max) max = c.value;
      for (const c of all) if (c.value >= max) out.collect({ auction: c.key, num: c.value, starttime: c.start, endtime: c.end });
    })
    .name('q5-hottest-per-window');
}
