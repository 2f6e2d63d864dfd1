import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import type { CheckpointRecord } from './checkpoint-record.ts';
import type { HistogramSnapshot } from './latency-histogram.ts';
import type { JobMetricsSnapshot } from './operator-metrics.ts';

/**
 * What the Prometheus registry reads at each scrape: the job's metrics, its records-in rate and
 * its checkpoint history.
 *
 * @example
 * const source: PrometheusSource = { snapshot: () => job.metrics(), throughput: () => history.throughput(), checkpoints: () => job.checkpoints() };
 */
export interface PrometheusSource {
  snapshot(): JobMetricsSnapshot;
  throughput(): number;
  checkpoints(): readonly CheckpointRecord[];
}

type Labels = Record<string, string>;

/**
 * A prom-client registry whose metrics are read from a running job at scrape time (nothing is
 * written on the hot path). Names and labels are listed in docs/observability.md; every series
 * carries `eddy_job`.
 *
 * @example
 * const registry = createPrometheusRegistry(source);
 * const text = await registry.metrics(); // the /metrics body
 */
export function createPrometheusRegistry(source: PrometheusSource): Registry {
  const registry = new Registry();
  let m: JobMetricsSnapshot = source.snapshot();
  // One snapshot per scrape: the first metric collected takes it, the others reuse it.
  const fresh = () => (m = source.snapshot());
  const job = () => ({ eddy_job: m.job });
  const ops = () => m.operators.map((o) => ({ labels: { ...job(), operator: o.name, kind: o.kind }, o }));

  const gauge = (name: string, help: string, labelNames: string[], read: () => [Labels, number][]) =>
    new Gauge({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        for (const [labels, v] of read()) if (Number.isFinite(v)) this.set(labels, v);
      },
    });
  const counter = (name: string, help: string, read: (o: JobMetricsSnapshot['operators'][number]) => number) =>
    new Counter({
      name, help, labelNames: ['eddy_job', 'operator', 'kind'], registers: [registry],
      collect() {
        this.reset();
        for (const { labels, o } of ops()) this.inc(labels, Math.max(0, read(o)));
      },
    });

  gauge('eddy_throughput_events_per_sec', 'Records per second read by the sources (in) and received by the sinks (out), over the last sampling interval.', ['eddy_job', 'direction'], () => {
    fresh();
    return [[{ ...job(), direction: 'in' }, source.throughput()]];
  });
  registry.registerMetric(histogram('eddy_processing_latency_ms', 'Milliseconds from a record\'s event time (kind="event_time") or from the ingestion of the source batch that produced it (kind="ingestion") until a sink received it; sampled per sink batch.', () => [
    [{ ...job(), kind: 'event_time' }, m.latency?.eventTime ?? null],
    [{ ...job(), kind: 'ingestion' }, m.latency?.ingestion ?? null],
  // prom-client renders any object with name, help, type and get(); its Metric type lists only its own classes.
  ]) as unknown as Metric);
  gauge('eddy_watermark_lag_ms', 'Processing time minus the operator\'s output watermark (absent before the first watermark and after the end of input).', ['eddy_job', 'operator', 'kind'],
    () => ops().map(({ labels, o }) => [labels, m.now - o.watermark]));
  gauge('eddy_source_watermark_lag_ms', 'Processing time minus the watermark of each source split.', ['eddy_job', 'source', 'split'],
    () => (m.sources ?? []).flatMap((s) => s.splits.filter((p) => !p.finished).map((p): [Labels, number] => [{ ...job(), source: s.name, split: p.name }, m.now - p.watermark])));
  gauge('eddy_source_lag_records', 'Records of each source split not read yet, where the source knows (Kafka: to the high watermark).', ['eddy_job', 'source', 'split'],
    () => (m.sources ?? []).flatMap((s) => s.splits.filter((p) => p.lag !== null).map((p): [Labels, number] => [{ ...job(), source: s.name, split: p.name }, p.lag!])));
  gauge('eddy_source_split_idle', '1 when a source split is idle (it no longer holds the watermark back), else 0.', ['eddy_job', 'source', 'split'],
    () => (m.sources ?? []).flatMap((s) => s.splits.map((p): [Labels, number] => [{ ...job(), source: s.name, split: p.name }, p.idle ? 1 : 0])));
  gauge('eddy_checkpoint_duration_ms', 'Duration of the last completed checkpoint, from the cut to the sinks\' commit.', ['eddy_job'],
    () => (m.checkpoints ? [[job(), m.checkpoints.lastDurationMs]] : []));
  gauge('eddy_checkpoint_bytes', 'Bytes written by the last completed checkpoint.', ['eddy_job'], () => (m.checkpoints ? [[job(), m.checkpoints.lastBytes]] : []));
  gauge('eddy_checkpoints', 'Checkpoints of this run, by outcome.', ['eddy_job', 'status'], () => {
    const c = m.checkpoints;
    return c ? [[{ ...job(), status: 'completed' }, c.completed], [{ ...job(), status: 'failed' }, c.failed]] : [];
  });
  counter('eddy_operator_records_in_total', 'Records received by the operator.', (o) => o.recordsIn);
  counter('eddy_operator_records_out_total', 'Records emitted by the operator (main output).', (o) => o.recordsOut);
  counter('eddy_operator_busy_ms_total', 'Milliseconds spent in the operator\'s own code (its consumers excluded).', (o) => o.busyMs);
  counter('eddy_operator_backpressured_ms_total', 'Milliseconds the operator\'s output waited for a sink downstream over its capacity.', (o) => o.backpressuredMs);
  counter('eddy_operator_late_records_dropped_total', 'Late records dropped (no late side output).', (o) => o.lateDropped);
  counter('eddy_operator_late_records_side_output_total', 'Late records sent to a late-data side output.', (o) => o.lateToSideOutput);
  counter('eddy_operator_dead_letters_total', 'Unreadable input records turned into dead letters.', (o) => o.deadLetters);
  gauge('eddy_operator_state_keys', 'Keys in the operator\'s keyed state (refreshed at most once a second).', ['eddy_job', 'operator', 'kind'],
    () => ops().filter(({ o }) => o.stateKeys > 0 || o.stateBytes > 0).map(({ labels, o }) => [labels, o.stateKeys]));
  gauge('eddy_operator_state_bytes', 'Approximate bytes of the operator\'s keyed state (refreshed at most once a second).', ['eddy_job', 'operator', 'kind'],
    () => ops().filter(({ o }) => o.stateKeys > 0 || o.stateBytes > 0).map(({ labels, o }) => [labels, o.stateBytes]));
  counter('eddy_operator_timed_out_matches_total', 'Partial matches of a pattern that within(ms) ended before they completed.', (o) => o.timedOutMatches);
  gauge('eddy_operator_partial_matches', 'Partial matches of a pattern held in the operator\'s state.', ['eddy_job', 'operator', 'kind'],
    () => ops().filter(({ o }) => o.kind === 'cep').map(({ labels, o }) => [labels, o.partialMatches]));
  gauge('eddy_operator_buffered_events', 'Events a pattern operator holds (waiting for the watermark or in partial matches).', ['eddy_job', 'operator', 'kind'],
    () => ops().filter(({ o }) => o.kind === 'cep').map(({ labels, o }) => [labels, o.bufferedEvents]));
  return registry;
}

/** A histogram metric whose buckets come from a snapshot (prom-client's Histogram can only observe). */
function histogram(name: string, help: string, read: () => [Labels, HistogramSnapshot | null][]) {
  return {
    name, help, type: 'histogram' as const, aggregator: 'sum' as const,
    get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const [labels, h] of read()) {
        if (h === null) continue;
        h.bounds.forEach((le, i) => values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: h.cumulative[i] }));
        values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count });
        values.push({ metricName: `${name}_sum`, labels, value: h.sum });
        values.push({ metricName: `${name}_count`, labels, value: h.count });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
}
