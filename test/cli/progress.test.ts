import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobMetricsSnapshot } from 'eddy';
import { formatCount, formatDuration } from '../../src/cli/format.ts';
import { renderProgress } from '../../src/cli/progress.ts';
import { renderSummary } from '../../src/cli/summary.ts';

function snapshot(fields: Partial<JobMetricsSnapshot>): JobMetricsSnapshot {
  return {
    job: 'clicks', startedAt: 0, now: 0, recordsIn: 0, recordsOut: 0, lateDropped: 0, lateToSideOutput: 0,
    deadLetters: 0, watermark: Number.NEGATIVE_INFINITY, operators: [], ...fields,
  };
}

test('progress: counts, the rate between the two samples, watermark, late = dropped + side output, elapsed', () => {
  const earlier = { at: 11_000, metrics: snapshot({ recordsIn: 10_000 }) };
  const latest = {
    at: 12_000,
    metrics: snapshot({
      recordsIn: 12_500, recordsOut: 321, lateDropped: 2, lateToSideOutput: 5, deadLetters: 1, watermark: Date.UTC(2024, 4, 1, 12),
    }),
  };
  assert.equal(renderProgress(earlier, latest, 0),
    'clicks  in 12,500  out 321  2,500 rec/s  wm 2024-05-01T12:00:00.000Z  late 7  dead letters 1  12.0 s');
});

test('progress: the rate is over the time between the samples, not since the start', () => {
  const line = renderProgress({ at: 1_000, metrics: snapshot({ recordsIn: 100 }) }, { at: 1_250, metrics: snapshot({ recordsIn: 600 }) }, 0);
  assert.match(line, / 2,000 rec\/s /);
});

test('progress: the watermark before any event and after the end of input', () => {
  const at = (watermark: number) => renderProgress({ at: 0, metrics: snapshot({}) }, { at: 0, metrics: snapshot({ watermark }) }, 0);
  assert.equal(at(Number.NEGATIVE_INFINITY), 'clicks  in 0  out 0  0 rec/s  wm -inf  late 0  dead letters 0  0 ms');
  assert.match(at(Number.POSITIVE_INFINITY), / wm \+inf /);
});

test('summary: status, duration, counts and the average rate', () => {
  const metrics = snapshot({ recordsIn: 1_000_000, recordsOut: 40, lateDropped: 1, lateToSideOutput: 2, deadLetters: 3 });
  assert.equal(renderSummary({ status: 'finished', durationMs: 2_000, metrics }),
    "job 'clicks' finished in 2.0 s: 1,000,000 records in, 40 out, 500,000 records/s, 3 late, 3 dead letters");
  assert.match(renderSummary({ status: 'cancelled', durationMs: 61_000, metrics }), /^job 'clicks' cancelled after 1m01s: /);
  assert.match(renderSummary({ status: 'failed', durationMs: 0, metrics }), /^job 'clicks' failed after 0 ms: .* 0 records\/s/);
});

test('formats: counts and durations', () => {
  assert.deepEqual([0, 999, 1_000, 1_234_567, 12.6].map(formatCount), ['0', '999', '1,000', '1,234,567', '13']);
  assert.deepEqual([0, 12, 999.4, 999.6, 4_250, 59_949, 59_950, 3_725_000].map(formatDuration),
    ['0 ms', '12 ms', '999 ms', '1.0 s', '4.3 s', '59.9 s', '1m00s', '1h02m05s']);
});
