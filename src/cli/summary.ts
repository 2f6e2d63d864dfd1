import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { formatCount, formatDuration, ratePerSecond } from './format.ts';

/**
 * How a job run under the CLI ended.
 *
 * @example
 * const outcome: JobOutcome = { status: 'failed', durationMs: 120, metrics: job.metrics() };
 */
export interface JobOutcome {
  readonly status: 'finished' | 'cancelled' | 'stopped' | 'failed';
  readonly durationMs: number;
  readonly metrics: JobMetricsSnapshot;
}

/**
 * The line printed when a job ends.
 *
 * @example
 * renderSummary({ status: 'finished', durationMs: 2_000, metrics });
 * // "job 'clicks' finished in 2.0 s: 1,000 records in, 40 out, 500 records/s, 0 late, 0 dead letters"
 */
export function renderSummary(outcome: JobOutcome): string {
  const m = outcome.metrics;
  const when = outcome.status === 'finished' ? 'in' : 'after';
  const rate = ratePerSecond(m.recordsIn, outcome.durationMs);
  return `job '${m.job}' ${outcome.status} ${when} ${formatDuration(outcome.durationMs)}: `
    + `${formatCount(m.recordsIn)} records in, ${formatCount(m.recordsOut)} out, ${formatCount(rate)} records/s, `
    + `${formatCount(m.lateDropped + m.lateToSideOutput)} late, ${formatCount(m.deadLetters)} dead letters`;
}
