import {
  type Key, SlidingEventTimeWindows, sources, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy,
  type WindowAssigner,
} from 'eddy';
import { type BenchEvent, OUT_OF_ORDERNESS_MS } from './events.ts';
import { countingSink, type Tally } from './tally.ts';

/** What a benchmark run reports besides its results: records Eddy dropped as late (expected 0). */
export interface RunInfo {
  readonly late: number;
}

function windowedJob<K extends Key>(events: number, make: (i: number) => BenchEvent<K>, assigner: WindowAssigner<BenchEvent<K>>) {
  const env = StreamEnvironment.create();
  const windowed = env
    .fromSource(
      sources.generator({ count: events, generate: make }),
      WatermarkStrategy.forBoundedOutOfOrderness<BenchEvent<K>>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(assigner);
  return { env, windowed };
}

/**
 * Workload A in Eddy: keyBy(key), tumbling event-time windows, count().
 *
 * @example
 * await eddyTumblingCount(1_000_000, numericEvent, 10_000, new Tally());
 */
export async function eddyTumblingCount<K extends Key>(
  events: number, make: (i: number) => BenchEvent<K>, sizeMs: number, tally: Tally,
): Promise<RunInfo> {
  const { env, windowed } = windowedJob(events, make, TumblingEventTimeWindows.of<BenchEvent<K>>(sizeMs));
  windowed.count().sinkTo(countingSink<K>(tally));
  const result = await env.execute('bench-tumbling-count');
  return { late: result.metrics.lateDropped };
}

/**
 * Workload B in Eddy: keyBy(key), sliding event-time windows, sum(value).
 *
 * @example
 * await eddySlidingSum(1_000_000, numericEvent, 60_000, 10_000, new Tally());
 */
export async function eddySlidingSum<K extends Key>(
  events: number, make: (i: number) => BenchEvent<K>, sizeMs: number, slideMs: number, tally: Tally,
): Promise<RunInfo> {
  const { env, windowed } = windowedJob(events, make, SlidingEventTimeWindows.of<BenchEvent<K>>(sizeMs, slideMs));
  windowed.sum((e) => e.value).sinkTo(countingSink<K>(tally));
  const result = await env.execute('bench-sliding-sum');
  return { late: result.metrics.lateDropped };
}
