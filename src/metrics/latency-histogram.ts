const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/**
 * Upper bounds (ms) of the latency buckets: 1 ms to 100 years. Event-time latency of a replay is
 * the age of the data (years for an archive), so the range reaches that far; what lies beyond the
 * last bound is counted as overflow (the `+Inf` bucket), never as the last bound's value.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, SECOND, 2.5 * SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND,
  MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, YEAR, 10 * YEAR, 100 * YEAR,
];

/** Upper bounds (ms) of checkpoint durations and pauses: 1 ms to 10 minutes (the default timeout). */
export const CHECKPOINT_BUCKETS_MS: readonly number[] = [
  1, 5, 10, 25, 50, 100, 250, 500, SECOND, 2.5 * SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE,
];

/**
 * A histogram as plain numbers: cumulative counts per bucket (Prometheus' `le`), the count and
 * the sum. `count` minus the last cumulative count is the overflow: observations above the
 * largest bound.
 *
 * @example
 * const h: HistogramSnapshot = { bounds: [1, 10], cumulative: [3, 7], count: 8, sum: 40 }; // one above 10
 */
export interface HistogramSnapshot {
  readonly bounds: readonly number[];
  /** Observations <= bounds[i], for each i. */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/**
 * A fixed-bucket histogram of milliseconds: `observe` is a short loop over the bounds and three
 * number updates, cheap enough for a few samples per batch.
 *
 * @example
 * const h = new LatencyHistogram();
 * h.observe(12);
 * h.snapshot().count; // 1
 */
export class LatencyHistogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;

  constructor(private readonly bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    this.counts[i]++;
    this.count++;
    this.sum += v;
  }

  snapshot(): HistogramSnapshot {
    const cumulative: number[] = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i];
      cumulative.push(acc);
    }
    return { bounds: this.bounds, cumulative, count: this.count, sum: this.sum };
  }
}

/**
 * The q-quantile (0..1) of the observations between two snapshots of one histogram (or of one
 * snapshot when `earlier` is null), interpolated inside its bucket; NaN when there are none, and
 * +Infinity when it lies above the largest bound (overflow: the histogram cannot say how far).
 *
 * @example
 * quantile(now, previous, 0.99); // p99 over the last interval, in ms
 */
export function quantile(later: HistogramSnapshot, earlier: HistogramSnapshot | null, q: number): number {
  const total = later.count - (earlier?.count ?? 0);
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < later.bounds.length; i++) {
    const c = later.cumulative[i] - (earlier?.cumulative[i] ?? 0);
    if (c >= rank) {
      const lo = i === 0 ? 0 : later.bounds[i - 1];
      const inBucket = c - below;
      return inBucket <= 0 ? lo : lo + ((later.bounds[i] - lo) * (rank - below)) / inBucket;
    }
    below = c;
  }
  return Number.POSITIVE_INFINITY;
}
