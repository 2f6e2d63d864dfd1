/** One sample of the soak run. */
export interface SoakSample {
  /** Seconds since the start. */
  readonly t: number;
  readonly heapMb: number;
  readonly rssMb: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Checkpoints completed since the previous sample, their mean and longest duration (NaN if none). */
  readonly checkpoints: number;
  readonly checkpointMeanMs: number;
  readonly checkpointMaxMs: number;
  readonly failedCheckpoints: number;
  readonly recordsPerS: number;
  readonly lateToSideOutput: number;
  readonly load1: number;
}

/** Figures per fifth of the run after warm-up, and whether they stayed flat. */
export interface SoakVerdict {
  readonly warmupS: number;
  /** Per fifth after warm-up: heap floor (the lowest sample: what survives GC), RSS median, checkpoint median, lag p99 median. */
  readonly bins: readonly { readonly fromMin: number; readonly heapFloorMb: number; readonly rssMedianMb: number; readonly checkpointMedianMs: number; readonly lagP99MedianMs: number }[];
  readonly heapFlat: boolean;
  readonly rssFlat: boolean;
  readonly checkpointFlat: boolean;
  readonly failedCheckpoints: number;
  readonly recordsPerS: number;
  readonly loadMean: number;
}

const median = (xs: readonly number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
};

/**
 * Splits the samples after `warmupS` into five bins and compares the last with the first:
 * memory is flat when the heap floor and the RSS median grew by less than 10% (plus 8 MB of
 * slack for allocator noise), checkpoint duration when its median grew by less than 50% (it is
 * a few ms of fsync, noisy on a shared machine).
 *
 * @example
 * const v = judgeSoak(samples, 120); v.heapFlat;
 */
export function judgeSoak(samples: readonly SoakSample[], warmupS: number): SoakVerdict {
  const after = samples.filter((s) => s.t >= warmupS);
  const n = 5;
  const end = after.at(-1)?.t ?? warmupS;
  const width = (end - warmupS) / n;
  const bins = Array.from({ length: n }, (_, i) => {
    const xs = after.filter((s) => s.t >= warmupS + i * width && (i === n - 1 ? s.t <= end : s.t < warmupS + (i + 1) * width));
    return {
      fromMin: Math.round(((warmupS + i * width) / 60) * 10) / 10,
      heapFloorMb: Math.round(Math.min(...xs.map((s) => s.heapMb)) * 10) / 10,
      rssMedianMb: Math.round(median(xs.map((s) => s.rssMb)) * 10) / 10,
      checkpointMedianMs: Math.round(median(xs.map((s) => s.checkpointMeanMs)) * 10) / 10,
      lagP99MedianMs: Math.round(median(xs.map((s) => s.lagP99Ms)) * 10) / 10,
    };
  });
  const first = bins[0];
  const last = bins[n - 1];
  return {
    warmupS,
    bins,
    heapFlat: last.heapFloorMb <= first.heapFloorMb * 1.1 + 8,
    rssFlat: last.rssMedianMb <= first.rssMedianMb * 1.1 + 8,
    checkpointFlat: last.checkpointMedianMs <= first.checkpointMedianMs * 1.5,
    failedCheckpoints: samples.at(-1)?.failedCheckpoints ?? 0,
    recordsPerS: Math.round(median(after.map((s) => s.recordsPerS))),
    loadMean: samples.reduce((a, s) => a + s.load1, 0) / Math.max(1, samples.length),
  };
}
