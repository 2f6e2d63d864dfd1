import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { Clock } from '../time/clock.ts';
import { type ProgressSample, renderProgress } from './progress.ts';
import { type Ticker, startTicker } from './ticker.ts';

/** The input rate is measured over about this much time. */
const RATE_WINDOW_MS = 1_000;

interface Watched {
  readonly job: { metrics(): JobMetricsSnapshot };
  readonly startedAt: number;
  /** Samples of the last RATE_WINDOW_MS, oldest first (at least one). */
  samples: ProgressSample[];
}

/**
 * Samples the metrics of running jobs every `everyMs` of `clock` time and hands each job's
 * progress line to `show`: a redrawn status line on a terminal, a log line otherwise.
 *
 * @example
 * const reporter = new ProgressReporter(systemClock, 5_000, (line) => process.stderr.write(`eddy: ${line}\n`));
 * reporter.watch(handle);
 * await handle.result;
 * reporter.unwatch(handle);
 */
export class ProgressReporter {
  private readonly watched: Watched[] = [];
  private ticker: Ticker | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly show: (line: string) => void,
  ) {}

  /** Starts reporting on `job` (whose clock started at `startedAt`). */
  watch(job: { metrics(): JobMetricsSnapshot }, startedAt = this.clock.now()): void {
    this.watched.push({ job, startedAt, samples: [{ at: this.clock.now(), metrics: job.metrics() }] });
    this.ticker ??= startTicker(this.clock, this.everyMs, () => this.tick());
  }

  /** Stops reporting on `job`; the ticker stops with the last job. */
  unwatch(job: { metrics(): JobMetricsSnapshot }): void {
    const i = this.watched.findIndex((w) => w.job === job);
    if (i >= 0) this.watched.splice(i, 1);
    if (this.watched.length === 0) this.stop();
  }

  /** Stops reporting altogether. */
  stop(): void {
    this.ticker?.stop();
    this.ticker = null;
  }

  private tick(): void {
    const at = this.clock.now();
    for (const w of this.watched) {
      const latest: ProgressSample = { at, metrics: w.job.metrics() };
      w.samples.push(latest);
      // Keep the newest sample that is at least a window old, so the rate spans about a second.
      while (w.samples.length > 2 && at - w.samples[1].at >= RATE_WINDOW_MS) w.samples.shift();
      this.show(renderProgress(w.samples[0], latest, w.startedAt));
    }
  }
}
