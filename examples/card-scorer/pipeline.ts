/**
 * card-scorer: the Harbor Fleet card scorer as a pattern. Three or more declined authorizations
 * on a card, then an approval over $500, all within ten minutes: the card-testing signature
 * (a stolen number tried until it works, then spent).
 *
 * Shows `Pattern.begin(...).timesOrMore(3).followedBy(...).within(...)` on a keyed stream, the
 * skip strategy that keeps alerts from overlapping (`skipPastLastEvent`), partial matches that
 * time out to a side output (`processTimedOutMatch`), and late authorizations to their own file.
 */
import {
  AfterMatchSkipStrategy, CEP, OutputTag, Pattern, WatermarkStrategy, sinks, sources,
  type DataStream, type StreamEnvironment,
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

/** What the job writes: declines, then a big approval on the same card. */
export interface Alert {
  readonly card: string;
  readonly declines: number;
  readonly firstDeclineAt: number;
  readonly approvalId: string;
  readonly approvedAt: number;
  readonly amount_usd: number;
}

/** Three or more declines that no big approval followed within the window. */
export interface DeclineRun {
  readonly card: string;
  readonly declines: number;
  readonly firstDeclineAt: number;
}

export const WINDOW_MS = 10 * 60_000;
export const MIN_DECLINES = 3;
export const BIG_APPROVAL_USD = 500;
/** Terminal clock skew measured at 45 s. */
export const OUT_OF_ORDERNESS_MS = 45_000;

export const DECLINE_RUNS = new OutputTag<DeclineRun>('decline-runs');
export const LATE_AUTHORIZATIONS = new OutputTag<Authorization>('late-authorizations');

/**
 * The pattern: stage names and the event type are known to the compiler, so `match.approved` is
 * checked and a misspelled stage does not compile.
 */
export const CARD_TESTING = Pattern.of<Authorization>()
  .begin('declines').where((a) => a.status === 'DECLINED').timesOrMore(MIN_DECLINES)
  .followedBy('approved').where((a) => a.status === 'APPROVED' && a.amount_usd > BIG_APPROVAL_USD)
  .within(WINDOW_MS);

export interface CardScorerPaths {
  /** Input, one JSON `Authorization` per line. */
  readonly authorizations: string;
  /** Output, one JSON `Alert` per line. */
  readonly alerts: string;
  /** Output, one JSON `DeclineRun` per line. */
  readonly declineRuns: string;
  /** Output, authorizations that came after the watermark had passed them. */
  readonly late: string;
}

export interface CardScorerStreams {
  readonly alerts: DataStream<Alert>;
  readonly declineRuns: DataStream<DeclineRun>;
  readonly late: DataStream<Authorization>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * cardScorer(env, { authorizations: 'auths.jsonl', alerts: 'out/alerts.jsonl', declineRuns: 'out/runs.jsonl', late: 'out/late.jsonl' });
 */
export function cardScorer(env: StreamEnvironment, paths: CardScorerPaths): CardScorerStreams {
  const authorizations = env.fromSource(
    sources.jsonl<Authorization>(paths.authorizations),
    WatermarkStrategy.forBoundedOutOfOrderness<Authorization>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((a) => a.ts),
    'authorizations',
  );
  const alerts = CEP.pattern(authorizations.keyBy((a) => a.card), CARD_TESTING, { skip: AfterMatchSkipStrategy.skipPastLastEvent() })
    .sideOutputLateData(LATE_AUTHORIZATIONS)
    .process<Alert>({
      processMatch(match, _ctx, out) {
        const approval = match.approved[0];
        out.collect({
          card: approval.card, declines: match.declines.length, firstDeclineAt: match.declines[0].ts,
          approvalId: approval.auth_id, approvedAt: approval.ts, amount_usd: approval.amount_usd,
        });
      },
      processTimedOutMatch(match, ctx) {
        // Every partial match the window ends is offered (as in Flink, one run of declines can be
        // several: waiting for more declines, or for the approval; starting at each decline): keep
        // those with enough declines. Readers keep the longest per card and first decline.
        if (match.declines.length >= MIN_DECLINES) {
          ctx.output(DECLINE_RUNS, { card: match.declines[0].card, declines: match.declines.length, firstDeclineAt: match.declines[0].ts });
        }
      },
    })
    .name('card-testing')
    .uid('card-testing');
  const declineRuns = alerts.getSideOutput(DECLINE_RUNS);
  const late = alerts.getSideOutput(LATE_AUTHORIZATIONS);
  alerts.sinkTo(sinks.jsonl(paths.alerts)).name('alerts-file');
  declineRuns.sinkTo(sinks.jsonl(paths.declineRuns)).name('decline-runs-file');
  late.sinkTo(sinks.jsonl(paths.late)).name('late-file');
  return { alerts, declineRuns, late };
}
