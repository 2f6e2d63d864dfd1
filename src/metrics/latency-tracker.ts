import { type HistogramSnapshot, LatencyHistogram } from './latency-histogram.ts';

/** How many records of each sink batch are timed (spread over the batch). */
const SAMPLES_PER_BATCH = 4;

/**
 * Latency snapshots of a job, in ms: `eventTime` from a record's event timestamp to the moment a
 * sink received it; `ingestion` from the moment the source batch that produced the output entered
 * the graph to that moment (for windows: since the batch whose watermark fired them).
 *
 * @example
 * const p = env.metrics()?.latency; if (p) console.log(p.eventTime.count);
 */
export interface LatencySnapshot {
  readonly eventTime: HistogramSnapshot;
  readonly ingestion: HistogramSnapshot;
}

/**
 * Measures processing latency at the sinks: one clock read per sink batch, a few sampled records
 * per batch for event time (records without a timestamp are skipped).
 *
 * @example
 * const t = new LatencyTracker();
 * t.ingestedAt = clock.now();          // a source batch enters the graph
 * t.onSinkBatch(batch.times, batch.length, clock.now());
 */
export class LatencyTracker {
  /** When the source batch being pushed through the graph was read (set by the source task). */
  ingestedAt = Number.NaN;
  private readonly eventTime = new LatencyHistogram();
  private readonly ingestion = new LatencyHistogram();

  onSinkBatch(times: readonly number[], length: number, now: number): void {
    if (length === 0) return;
    if (this.ingestedAt === this.ingestedAt) this.ingestion.observe(now - this.ingestedAt);
    const step = length <= SAMPLES_PER_BATCH ? 1 : Math.floor(length / SAMPLES_PER_BATCH);
    for (let i = length - 1; i >= 0; i -= step) {
      const t = times[i];
      if (Number.isFinite(t)) this.eventTime.observe(now - t);
    }
  }

  snapshot(): LatencySnapshot {
    return { eventTime: this.eventTime.snapshot(), ingestion: this.ingestion.snapshot() };
  }
}
