import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { formatTime } from '../time/clock.ts';
import { formatCount, formatDuration, ratePerSecond } from './format.ts';

/**
 * A job's metrics and when (CLI clock, ms) they were read.
 *
 * @example
 * const sample: ProgressSample = { at: systemClock.now(), metrics: job.metrics() };
 */
export interface ProgressSample {
  readonly at: number;
  readonly metrics: JobMetricsSnapshot;
}

/**
 * The one-line progress of a running job: name, records in and out, the input rate between the
 * two samples, the watermark, late records (dropped + sent to a side output), dead letters and
 * the time since `startedAt`. A pure function, so the TTY line and the log line are the same text.
 *
 * @example
 * renderProgress({ at: 1_000, metrics: before }, { at: 2_000, metrics: now }, 0);
 * // "clicks  in 12,000  out 300  2,000 rec/s  wm 2024-05-01T12:00:00.000Z  late 3  dead letters 0  2.0 s"
 */
export function renderProgress(earlier: ProgressSample, latest: ProgressSample, startedAt: number): string {
  const m = latest.metrics;
  const rate = ratePerSecond(m.recordsIn - earlier.metrics.recordsIn, latest.at - earlier.at);
  return [
    m.job,
    `in ${formatCount(m.recordsIn)}`,
    `out ${formatCount(m.recordsOut)}`,
    `${formatCount(rate)} rec/s`,
    `wm ${formatTime(m.watermark)}`,
    `late ${formatCount(m.lateDropped + m.lateToSideOutput)}`,
    `dead letters ${formatCount(m.deadLetters)}`,
    formatDuration(latest.at - startedAt),
  ].join('  ');
}
