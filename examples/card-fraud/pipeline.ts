/**
 * card-fraud: the Harbor Fleet card-fraud scorer on Kafka. Authorizations arrive on
 * `payments.auth` (key = card token, event time = terminal timestamp). Two rules, one source:
 * more than three declines in any rolling ten minutes (sliding windows, every minute), and more
 * than $2,000 of approved spend in a 60-minute tumbling window. Watermarks allow 45 s of terminal
 * clock skew; windows accept events up to two minutes later than that, and anything later goes
 * to a reconciliation topic. Alerts go to `fraud.alerts`, exactly once when the job checkpoints.
 */
import {
  OutputTag, SlidingEventTimeWindows, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
  type DataStream, type StreamEnvironment,
} from 'eddy';

/** One card authorization from a payment terminal (as JSON on payments.auth). */
export interface Authorization {
  readonly auth_id: string;
  readonly card_token: string;
  /** The terminal's timestamp (event time), epoch ms. */
  readonly ts: number;
  readonly status: 'APPROVED' | 'DECLINED';
  readonly amount_usd: number;
  readonly merchant_id: string;
}

/** What the job writes to fraud.alerts. */
export type FraudAlert =
  | { readonly rule: 'declines'; readonly card_token: string; readonly windowStart: number; readonly windowEnd: number; readonly declines: number }
  | { readonly rule: 'spend'; readonly card_token: string; readonly windowStart: number; readonly windowEnd: number; readonly spend_usd: number };

export const DECLINE_WINDOW_MS = 10 * 60_000;
export const DECLINE_SLIDE_MS = 60_000;
export const MAX_DECLINES = 3;
export const SPEND_WINDOW_MS = 60 * 60_000;
export const MAX_SPEND_USD = 2000;
/** Measured mobile-terminal clock skew. */
export const OUT_OF_ORDERNESS_MS = 45_000;
/** Events up to this much later than the watermark still update their windows. */
export const ALLOWED_LATENESS_MS = 2 * 60_000;

const LATE_DECLINES = new OutputTag<Authorization>('late-declines');
const LATE_APPROVALS = new OutputTag<Authorization>('late-approvals');

/** Where the job reads and writes. */
export interface CardFraudTopics {
  readonly brokers: string;
  readonly authorizations: string;
  readonly alerts: string;
  readonly reconciliation: string;
  readonly groupId: string;
  /** Stop at the end of what is in the topic when the job starts (tests, backfills). */
  readonly stopAtEnd?: boolean;
}

/**
 * Builds the job on `env`; returns the alert and reconciliation streams.
 *
 * @example
 * const env = StreamEnvironment.create({ checkpoints: { dir: 'ckpt', intervalMs: 60_000 } });
 * cardFraud(env, { brokers: '127.0.0.1:19092', authorizations: 'payments.auth', alerts: 'fraud.alerts', reconciliation: 'payments.reconciliation', groupId: 'fraud' });
 * await env.execute('card-fraud');
 */
export function cardFraud(env: StreamEnvironment, t: CardFraudTopics): { alerts: DataStream<FraudAlert>; late: DataStream<Authorization> } {
  const auths = env.fromSource(
    sources.kafka<Authorization>({ brokers: t.brokers, topics: [t.authorizations], groupId: t.groupId, value: 'json', stopAtEnd: t.stopAtEnd }),
    WatermarkStrategy.forBoundedOutOfOrderness<Authorization>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((a) => a.ts),
    'payments.auth',
  ).uid('payments.auth');

  const declines = auths.filter((a) => a.status === 'DECLINED').name('declined')
    .keyBy((a) => a.card_token)
    .window(SlidingEventTimeWindows.of<Authorization>(DECLINE_WINDOW_MS, DECLINE_SLIDE_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_DECLINES)
    .count().name('declines-10m').uid('declines-10m');
  const declineAlerts = declines.filter((w) => w.value > MAX_DECLINES)
    .map((w): FraudAlert => ({ rule: 'declines', card_token: w.key, windowStart: w.start, windowEnd: w.end, declines: w.value }));

  const spend = auths.filter((a) => a.status === 'APPROVED').name('approved')
    .keyBy((a) => a.card_token)
    .window(TumblingEventTimeWindows.of<Authorization>(SPEND_WINDOW_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_APPROVALS)
    .sum((a) => Math.round(a.amount_usd * 100)).name('spend-60m').uid('spend-60m');
  const spendAlerts = spend.filter((w) => w.value > MAX_SPEND_USD * 100)
    .map((w): FraudAlert => ({ rule: 'spend', card_token: w.key, windowStart: w.start, windowEnd: w.end, spend_usd: w.value / 100 }));

  const alerts = declineAlerts.union(spendAlerts);
  const late = declines.getSideOutput(LATE_DECLINES).union(spend.getSideOutput(LATE_APPROVALS));
  alerts.sinkTo(sinks.kafka<FraudAlert>({ brokers: t.brokers, topic: t.alerts, key: (a) => a.card_token, transactionalIdPrefix: t.alerts })).name('fraud.alerts').uid('fraud.alerts');
  late.sinkTo(sinks.kafka<Authorization>({ brokers: t.brokers, topic: t.reconciliation, key: (a) => a.card_token, transactionalIdPrefix: t.reconciliation }))
    .name('reconciliation').uid('reconciliation');
  return { alerts, late };
}
