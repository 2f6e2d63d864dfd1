/**
 * card-velocity: flags cards with more than three declined authorizations in any ten minutes.
 *
 * Shows sliding event-time windows (10 minutes, every minute: each decline counts in ten
 * overlapping windows, pre-aggregated in shared one-minute panes), filtering window results into
 * alerts, allowed lateness (a late decline re-fires its windows, so an alert can come again with a
 * higher count), and declines later than that sent to a reconciliation file.
 */
import {
  OutputTag, SlidingEventTimeWindows, WatermarkStrategy, sinks, sources,
  type DataStream, type StreamEnvironment, type WindowResult,
} from 'eddy';

/** One card authorization from a payment terminal. */
export interface Authorization {
  readonly auth_id: string;
  readonly card: string;
  /** The terminal's timestamp (event time), epoch ms. */
  readonly ts: number;
  readonly status: 'APPROVED' | 'DECLINED';
  readonly amount_usd: number;
  readonly merchant_id: string;
}

/** What the job writes: a card with too many declines in one ten-minute window. */
export interface Alert {
  readonly card: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly declines: number;
}

/** Windows of ten minutes, one starting every minute. */
export const WINDOW_MS = 10 * 60_000;
export const SLIDE_MS = 60_000;
/** More declines than this in one window raise an alert. */
export const MAX_DECLINES = 3;
/** Terminal clock skew measured at 45 s; declines up to 2 minutes later than that still count. */
export const OUT_OF_ORDERNESS_MS = 45_000;
export const ALLOWED_LATENESS_MS = 2 * 60_000;

/** Declines that arrive after every window they belong to has passed its allowed lateness. */
export const LATE_DECLINES = new OutputTag<Authorization>('late-declines');

/** Where the job reads and writes. */
export interface CardVelocityPaths {
  /** Input, one JSON `Authorization` per line. */
  readonly authorizations: string;
  /** Output, one JSON `Alert` per line. */
  readonly alerts: string;
  /** Output, declines too late to be counted, for a reconciliation job. */
  readonly reconciliation: string;
}

/** The streams of the job, for tests to observe. */
export interface CardVelocityStreams {
  readonly authorizations: DataStream<Authorization>;
  readonly declineCounts: DataStream<WindowResult<string, number>>;
  readonly alerts: DataStream<Alert>;
  readonly lateDeclines: DataStream<Authorization>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * cardVelocity(env, { authorizations: 'auths.jsonl', alerts: 'out/alerts.jsonl', reconciliation: 'out/late.jsonl' });
 * await env.execute('card-velocity');
 */
export function cardVelocity(env: StreamEnvironment, paths: CardVelocityPaths): CardVelocityStreams {
  const authorizations = env.fromSource(
    sources.jsonl<Authorization>(paths.authorizations),
    WatermarkStrategy.forBoundedOutOfOrderness<Authorization>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((a) => a.ts),
    'authorizations',
  );
  const declineCounts = authorizations
    .filter((a) => a.status === 'DECLINED')
    .name('declined')
    .keyBy((a) => a.card)
    .window(SlidingEventTimeWindows.of<Authorization>(WINDOW_MS, SLIDE_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_DECLINES)
    .count()
    .name('declines-per-card');
  const lateDeclines = declineCounts.getSideOutput(LATE_DECLINES);
  const alerts = declineCounts
    .filter((w) => w.value > MAX_DECLINES)
    .map((w): Alert => ({ card: w.key, windowStart: w.start, windowEnd: w.end, declines: w.value }))
    .name('alerts');

  alerts.sinkTo(sinks.jsonl(paths.alerts)).name('alerts-file');
  lateDeclines.sinkTo(sinks.jsonl(paths.reconciliation)).name('late-declines');
  return { authorizations, declineCounts, alerts, lateDeclines };
}
