/** Upper bounds (ms) of the latency buckets: 1 ms to 10 min, roughly x2.5 apart. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000,
];

/**
 * A histogram as plain numbers: cumulative counts per bucket (Prometheus' `le`), the count and
 * the sum. The last count is the total, including values above the largest bound.
 *
 * @example
 * const h: HistogramSnapshot = { bounds: [1, 10], cumulative: [3, 7], count: 8, sum: 40 };
 */
export interface HistogramSnapshot {
  readonly bounds: readonly number[];
  /** Observations <= bounds[i], for each i. */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/**
 * A fixed-bucket histogram of milliseconds: `observe` is a short loop over 17 bounds and three
 * number updates, cheap enough for a few samples per batch.
 *
 * @example
 * const h = new LatencyHistogram();
 * h.observe(12);
 * h.snapshot().count; // 1
 */
export class LatencyHistogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  private count = 0;
  private sum = 0;

  observe(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && v > LATENCY_BUCKETS_MS[i]) i++;
    this.counts[i]++;
    this.count++;
    this.sum += v;
  }

  snapshot(): HistogramSnapshot {
    const cumulative: number[] = [];
    let acc = 0;
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      acc += this.counts[i];
      cumulative.push(acc);
    }
    return { bounds: LATENCY_BUCKETS_MS, cumulative, count: this.count, sum: this.sum };
  }
}

/**
 * The q-quantile (0..1) of the observations between two snapshots of one histogram (or of one
 * snapshot when `earlier` is null), interpolated inside its bucket; NaN when there are none.
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
  return later.bounds[later.bounds.length - 1];
}
