import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { ManualClock, type JobMetricsSnapshot } from 'eddy';
import { ProgressReporter } from '../../src/cli/progress-reporter.ts';

/** A job whose counters the test sets by hand. */
class FakeJob {
  recordsIn = 0;
  metrics(): JobMetricsSnapshot {
    return {
      job: 'fake', startedAt: 0, now: 0, recordsIn: this.recordsIn, recordsOut: 0, lateDropped: 0, lateToSideOutput: 0,
      deadLetters: 0, watermark: Number.NEGATIVE_INFINITY, operators: [],
    };
  }
}

async function advance(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await turn(); // let the ticker's continuation run
}

test('reports every interval of the injected clock, the rate over about the last second', async () => {
  const clock = new ManualClock(0);
  const lines: string[] = [];
  const reporter = new ProgressReporter(clock, 250, (line) => lines.push(line));
  const job = new FakeJob();
  reporter.watch(job);
  await advance(clock, 249);
  assert.deepEqual(lines, []);
  for (let t = 1; t <= 8; t++) {
    job.recordsIn = t <= 4 ? t * 1_000 : 4_000 + (t - 4) * 250; // 4,000/s for a second, then 1,000/s
    await advance(clock, t === 1 ? 1 : 250);
  }
  assert.equal(lines.length, 8);
  assert.match(lines[3], /^fake {2}in 4,000 .* 4,000 rec\/s .* 1\.0 s$/);
  assert.match(lines[7], /^fake {2}in 5,000 .* 1,000 rec\/s .* 2\.0 s$/, 'the rate forgets what is older than a second');
  reporter.unwatch(job);
  await advance(clock, 1_000);
  assert.equal(lines.length, 8, 'no lines after the last job is unwatched');
});

test('a log every 5 s: the rate over the interval', async () => {
  const clock = new ManualClock(0);
  const lines: string[] = [];
  const reporter = new ProgressReporter(clock, 5_000, (line) => lines.push(line));
  const job = new FakeJob();
  reporter.watch(job);
  job.recordsIn = 10_000;
  await advance(clock, 4_999);
  assert.deepEqual(lines, []);
  await advance(clock, 1);
  assert.deepEqual(lines, ['fake  in 10,000  out 0  2,000 rec/s  wm -inf  late 0  dead letters 0  5.0 s']);
  reporter.stop();
});
