import type { HistogramSnapshot } from './latency-histogram.ts';
import type { JobStatus } from './job-lifecycle.ts';
import type { JobMetricsSnapshot } from './operator-metrics.ts';

type Labels = Readonly<Record<string, string>>;
type Operator = JobMetricsSnapshot['operators'][number];

/**
 * What a metric reads at scrape time besides the job's snapshot: records per second in and out
 * since the previous scrape of the same registry (null before there are two).
 *
 * @example
 * const ctx: ScrapeContext = { throughput: { in: 2_000, out: 12 } };
 */
export interface ScrapeContext {
  readonly throughput: { readonly in: number; readonly out: number } | null;
}

/**
 * One of Eddy's Prometheus metrics: its name, type, unit and labels (every series also carries
 * `eddy_job`), and how to read its samples from a job's metrics snapshot. docs/observability.md
 * lists the same, and a test keeps the two in step.
 *
 * @example
 * const m = EDDY_METRICS.find((x) => x.name === 'eddy_job_restarts_total')!; m.type; // 'counter'
 */
export type EddyMetric = {
  readonly name: string;
  readonly unit: string;
  readonly labels: readonly string[];
  readonly help: string;
} & (
  | { readonly type: 'gauge' | 'counter'; read(m: JobMetricsSnapshot, ctx: ScrapeContext): [Labels, number][] }
  | { readonly type: 'histogram'; readonly scale: 'ms' | 'seconds'; read(m: JobMetricsSnapshot): [Labels, HistogramSnapshot][] }
);

const STATUSES: readonly JobStatus[] = ['running', 'restarting', 'stopping', 'finished', 'stopped', 'cancelled', 'failed'];

const perOperator = (read: (o: Operator) => number) => (m: JobMetricsSnapshot): [Labels, number][] =>
  m.operators.map((o) => [{ operator: o.name, kind: o.kind }, read(o)]);
const withState = (read: (o: Operator) => number) => (m: JobMetricsSnapshot): [Labels, number][] =>
  m.operators.filter((o) => o.stateKeys > 0 || o.stateBytes > 0).map((o) => [{ operator: o.name, kind: o.kind }, read(o)]);
const perSplit = (read: (s: NonNullable<JobMetricsSnapshot['sources']>[number]['splits'][number], now: number) => number | null) => (m: JobMetricsSnapshot): [Labels, number][] =>
  (m.sources ?? []).flatMap((s) => s.splits.map((p): [Labels, number | null] => [{ source: s.name, split: p.name }, read(p, m.now)]))
    .filter((x): x is [Labels, number] => x[1] !== null);
/** A watermark is a time only once one has arrived and before the input has ended. */
const finite = (t: number): number | null => (Number.isFinite(t) ? t : null);
const checkpointCounts = (m: JobMetricsSnapshot) => m.lifecycle?.checkpoints ?? m.checkpoints ?? null;

/**
 * Every Prometheus metric Eddy exports for a job. The first four keep the names of the figures
 * stream processing is usually watched by (`processing_latency_ms`, `throughput_events_per_sec`,
 * `watermark_lag_ms`, `checkpoint_duration_ms`); the rest follow Prometheus' conventions: counters
 * end in `_total`, durations are in seconds, times are Unix seconds, and rates are left to `rate()`.
 *
 * @example
 * for (const m of EDDY_METRICS) console.log(m.name, m.type, m.labels.join(','));
 */
export const EDDY_METRICS: readonly EddyMetric[] = [
  // --- the four well-known names ------------------------------------------------------------------
  {
    name: 'eddy_processing_latency_ms', type: 'histogram', scale: 'ms', unit: 'ms', labels: ['kind'],
    help: 'Milliseconds from a record\'s event time (kind="event_time") or from the ingestion of the source batch that produced it (kind="ingestion") until a sink received it; sampled per sink batch; buckets up to 100 years, beyond that +Inf only. Same data as eddy_processing_latency_seconds.',
    read: (m) => (m.latency ? [[{ kind: 'event_time' }, m.latency.eventTime], [{ kind: 'ingestion' }, m.latency.ingestion]] : []),
  },
  {
    name: 'eddy_throughput_events_per_sec', type: 'gauge', unit: 'records/s', labels: ['direction'],
    help: 'Records per second read by the sources (direction="in") and received by the sinks (direction="out") since the previous scrape. Prefer rate() over eddy_operator_records_in_total.',
    read: (_m, ctx) => (ctx.throughput ? [[{ direction: 'in' }, ctx.throughput.in], [{ direction: 'out' }, ctx.throughput.out]] : []),
  },
  {
    name: 'eddy_watermark_lag_ms', type: 'gauge', unit: 'ms', labels: ['operator', 'kind'],
    help: 'Processing time minus the operator\'s output watermark, in ms (absent before the first watermark and after the end of input). Same as eddy_operator_watermark_lag_seconds.',
    read: (m) => perOperator((o) => m.now - o.watermark)(m).filter(([, v]) => Number.isFinite(v)),
  },
  {
    name: 'eddy_checkpoint_duration_ms', type: 'gauge', unit: 'ms', labels: [],
    help: 'Duration of the last completed checkpoint of this attempt, from the cut to the sinks\' commit. The distribution is eddy_checkpoint_duration_seconds.',
    read: (m) => (m.checkpoints && m.checkpoints.completed > 0 ? [[{}, m.checkpoints.lastDurationMs]] : []),
  },
  // --- the job ------------------------------------------------------------------------------------
  {
    name: 'eddy_job_start_time_seconds', type: 'gauge', unit: 'Unix seconds', labels: [],
    help: 'When the job was started (its first attempt; restarts do not move it).',
    read: (m) => [[{}, (m.lifecycle?.startedAt ?? m.startedAt) / 1000]],
  },
  {
    name: 'eddy_job_restarts_total', type: 'counter', unit: 'restarts', labels: [],
    help: 'Times the job was restarted from its latest checkpoint after a failure.',
    read: (m) => (m.lifecycle ? [[{}, m.lifecycle.restarts]] : []),
  },
  {
    name: 'eddy_job_status', type: 'gauge', unit: '1', labels: ['status'],
    help: '1 for the job\'s current status, 0 for the others (running, restarting, stopping, finished, stopped, cancelled, failed).',
    read: (m) => (m.lifecycle ? STATUSES.map((s): [Labels, number] => [{ status: s }, m.lifecycle!.status === s ? 1 : 0]) : []),
  },
  // --- records ------------------------------------------------------------------------------------
  {
    name: 'eddy_operator_records_in_total', type: 'counter', unit: 'records', labels: ['operator', 'kind'],
    help: 'Records received by the operator.', read: perOperator((o) => o.recordsIn),
  },
  {
    name: 'eddy_operator_records_out_total', type: 'counter', unit: 'records', labels: ['operator', 'kind'],
    help: 'Records emitted by the operator on its main output (for a source: records read).', read: perOperator((o) => o.recordsOut),
  },
  {
    name: 'eddy_operator_busy_seconds_total', type: 'counter', unit: 'seconds', labels: ['operator', 'kind'],
    help: 'Seconds spent in the operator\'s own code (its consumers excluded); rate() of it is the share of time it is busy.',
    read: perOperator((o) => Math.max(0, o.busyMs) / 1000),
  },
  {
    name: 'eddy_operator_backpressured_seconds_total', type: 'counter', unit: 'seconds', labels: ['operator', 'kind'],
    help: 'Seconds the operator\'s output waited for a sink downstream that was over its capacity.',
    read: perOperator((o) => o.backpressuredMs / 1000),
  },
  {
    name: 'eddy_operator_late_records_total', type: 'counter', unit: 'records', labels: ['operator', 'kind', 'outcome'],
    help: 'Late records: dropped (outcome="dropped", no late side output set) or sent to the late-data side output (outcome="side_output").',
    read: (m) => m.operators.flatMap((o): [Labels, number][] => [
      [{ operator: o.name, kind: o.kind, outcome: 'dropped' }, o.lateDropped],
      [{ operator: o.name, kind: o.kind, outcome: 'side_output' }, o.lateToSideOutput],
    ]),
  },
  {
    name: 'eddy_operator_dead_letters_total', type: 'counter', unit: 'records', labels: ['operator', 'kind'],
    help: 'Unreadable input records turned into dead letters.', read: perOperator((o) => o.deadLetters),
  },
  {
    name: 'eddy_operator_unconsumed_side_output_records_total', type: 'counter', unit: 'records', labels: ['operator', 'kind'],
    help: 'Records the operator sent to a side output that nothing reads (counted, not lost silently).', read: perOperator((o) => o.unconsumedSideOutput),
  },
  {
    name: 'eddy_operator_state_keys', type: 'gauge', unit: 'keys', labels: ['operator', 'kind'],
    help: 'Keys in the operator\'s keyed state (refreshed at most once a second).', read: withState((o) => o.stateKeys),
  },
  {
    name: 'eddy_operator_state_bytes', type: 'gauge', unit: 'bytes', labels: ['operator', 'kind'],
    help: 'Approximate bytes of the operator\'s keyed state (refreshed at most once a second).', read: withState((o) => o.stateBytes),
  },
  {
    name: 'eddy_operator_partial_matches', type: 'gauge', unit: 'matches', labels: ['operator', 'kind'],
    help: 'Pattern operators: partial matches held in state (and complete ones waiting for their turn).',
    read: (m) => m.operators.filter((o) => o.kind === 'cep').map((o): [Labels, number] => [{ operator: o.name, kind: o.kind }, o.partialMatches]),
  },
  {
    name: 'eddy_operator_buffered_events', type: 'gauge', unit: 'events', labels: ['operator', 'kind'],
    help: 'Pattern operators: events held, waiting for the watermark or in partial matches.',
    read: (m) => m.operators.filter((o) => o.kind === 'cep').map((o): [Labels, number] => [{ operator: o.name, kind: o.kind }, o.bufferedEvents]),
  },
  {
    name: 'eddy_operator_timed_out_matches_total', type: 'counter', unit: 'matches', labels: ['operator', 'kind'],
    help: 'Partial matches of a pattern that within(ms) ended before they completed.',
    read: (m) => m.operators.filter((o) => o.kind === 'cep').map((o): [Labels, number] => [{ operator: o.name, kind: o.kind }, o.timedOutMatches]),
  },
  // --- event time ---------------------------------------------------------------------------------
  {
    name: 'eddy_operator_watermark_seconds', type: 'gauge', unit: 'Unix seconds', labels: ['operator', 'kind'],
    help: 'The operator\'s output watermark: how far event time has progressed (absent before the first watermark and after the end of input).',
    read: (m) => perOperator((o) => (finite(o.watermark) ?? Number.NaN) / 1000)(m).filter(([, v]) => Number.isFinite(v)),
  },
  {
    name: 'eddy_operator_watermark_lag_seconds', type: 'gauge', unit: 'seconds', labels: ['operator', 'kind'],
    help: 'Processing time minus the operator\'s output watermark (absent before the first watermark and after the end of input).',
    read: (m) => perOperator((o) => (m.now - o.watermark) / 1000)(m).filter(([, v]) => Number.isFinite(v)),
  },
  {
    name: 'eddy_source_watermark_seconds', type: 'gauge', unit: 'Unix seconds', labels: ['source', 'split'],
    help: 'The watermark of each source split (absent before its first and once it has finished).',
    read: perSplit((p) => (p.finished ? null : finite(p.watermark) === null ? null : p.watermark / 1000)),
  },
  {
    name: 'eddy_source_watermark_lag_seconds', type: 'gauge', unit: 'seconds', labels: ['source', 'split'],
    help: 'Processing time minus the watermark of each unfinished source split.',
    read: perSplit((p, now) => (p.finished || finite(p.watermark) === null ? null : (now - p.watermark) / 1000)),
  },
  {
    name: 'eddy_source_lag_records', type: 'gauge', unit: 'records', labels: ['source', 'split'],
    help: 'Records of each source split not read yet, where the source knows (Kafka: to the high watermark).',
    read: perSplit((p) => p.lag),
  },
  {
    name: 'eddy_source_split_idle', type: 'gauge', unit: '1', labels: ['source', 'split'],
    help: '1 while a source split is idle (it no longer holds the watermark back), else 0.',
    read: perSplit((p) => (p.idle ? 1 : 0)),
  },
  {
    name: 'eddy_processing_latency_seconds', type: 'histogram', scale: 'seconds', unit: 'seconds', labels: ['kind'],
    help: 'Seconds from a record\'s event time (kind="event_time") or from the ingestion of the source batch that produced it (kind="ingestion") until a sink received it; sampled per sink batch; buckets up to 100 years, beyond that +Inf only.',
    read: (m) => (m.latency ? [[{ kind: 'event_time' }, m.latency.eventTime], [{ kind: 'ingestion' }, m.latency.ingestion]] : []),
  },
  // --- checkpoints --------------------------------------------------------------------------------
  {
    name: 'eddy_checkpoints_total', type: 'counter', unit: 'checkpoints', labels: ['status'],
    help: 'Checkpoints and savepoints of the job, by outcome (status="completed" or "failed").',
    read: (m) => {
      const c = checkpointCounts(m);
      return c ? [[{ status: 'completed' }, c.completed], [{ status: 'failed' }, c.failed]] : [];
    },
  },
  {
    name: 'eddy_checkpoint_duration_seconds', type: 'histogram', scale: 'seconds', unit: 'seconds', labels: [],
    help: 'Durations of completed checkpoints, from the cut to the sinks\' commit.',
    read: (m) => (m.lifecycle && m.checkpoints ? [[{}, m.lifecycle.checkpoints.duration]] : []),
  },
  {
    name: 'eddy_checkpoint_pause_seconds', type: 'histogram', scale: 'seconds', unit: 'seconds', labels: [],
    help: 'How long processing paused for each completed checkpoint\'s synchronous part (snapshot and sink pre-commit).',
    read: (m) => (m.lifecycle && m.checkpoints ? [[{}, m.lifecycle.checkpoints.pause]] : []),
  },
  {
    name: 'eddy_checkpoint_last_completed_timestamp_seconds', type: 'gauge', unit: 'Unix seconds', labels: [],
    help: 'When the last checkpoint completed (absent before the first): alert on time() minus it.',
    read: (m) => {
      const at = m.lifecycle?.checkpoints.lastCompletedAt ?? Number.NaN;
      return Number.isFinite(at) ? [[{}, at / 1000]] : [];
    },
  },
  {
    name: 'eddy_checkpoint_last_size_bytes', type: 'gauge', unit: 'bytes', labels: [],
    help: 'Bytes written by the last completed checkpoint of this attempt (incremental: what changed).',
    read: (m) => (m.checkpoints && m.checkpoints.completed > 0 ? [[{}, m.checkpoints.lastBytes]] : []),
  },
  {
    name: 'eddy_checkpoint_restore_duration_seconds', type: 'gauge', unit: 'seconds', labels: [],
    help: 'Time this attempt spent restoring state from a checkpoint when it started (0 without a restore).',
    read: (m) => (m.checkpoints ? [[{}, m.checkpoints.restoreMs / 1000]] : []),
  },
];
