/**
 * clicks-per-minute: clicks counted per page in tumbling one-minute event-time windows.
 *
 * Shows a JSON Lines source with a validator (bad lines become dead letters with file:line),
 * bounded out-of-orderness watermarks with idleness, allowed lateness (a late click re-fires its
 * window with the corrected count), and late clicks and dead letters routed to files of their own.
 */
import {
  DEAD_LETTERS, OutputTag, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources,
  type DataStream, type DeadLetter, type StreamEnvironment, type WindowResult,
} from 'eddy';

/** One page view, as the web tier logs it. */
export interface Click {
  /** When the page was viewed (event time), epoch ms. */
  readonly ts: number;
  readonly page: string;
  readonly user: string;
}

/** Window length, and how far clicks may arrive out of order, in ms. */
export const WINDOW_MS = 60_000;
export const OUT_OF_ORDERNESS_MS = 5_000;
/**
 * A split silent this long (processing time) stops holding event time back. It matters where there
 * are other splits or inputs to move time (Kafka partitions, a union); reading one file, it never fires.
 */
export const IDLENESS_MS = 60_000;
/** How long a fired minute still takes late clicks (each one fires it again). */
export const ALLOWED_LATENESS_MS = 30_000;

/** Clicks that arrive after their window's allowed lateness has passed. */
export const LATE_CLICKS = new OutputTag<Click>('late-clicks');

/** Where the job reads and writes. */
export interface ClicksPerMinutePaths {
  /** Input, one JSON click per line. */
  readonly clicks: string;
  /** Output: one `WindowResult` per page and minute (again, with a higher count, on a late firing). */
  readonly counts: string;
  readonly lateClicks: string;
  readonly deadLetters: string;
}

/** The streams of the job, for tests to observe. */
export interface ClicksPerMinuteStreams {
  readonly clicks: DataStream<Click>;
  readonly counts: DataStream<WindowResult<string, number>>;
  readonly lateClicks: DataStream<Click>;
  readonly deadLetters: DataStream<DeadLetter>;
}

/**
 * Checks one parsed JSON line; the message of what it throws becomes the dead letter's reason.
 *
 * @example
 * parseClick({ ts: 1714554000000, page: '/docs', user: 'u001' }); // the click
 * parseClick({ ts: '09:00', page: '/docs', user: 'u001' });       // throws 'ts must be epoch milliseconds ...'
 */
export function parseClick(value: unknown): Click {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('a click must be a JSON object');
  const { ts, page, user } = value as Record<string, unknown>;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new Error(`ts must be epoch milliseconds (a number), got ${describe(ts)}`);
  if (typeof page !== 'string' || page === '') throw new Error(`page must be a non-empty string, got ${describe(page)}`);
  if (typeof user !== 'string') throw new Error(`user must be a string, got ${describe(user)}`);
  return { ts, page, user };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing (the field is missing)' : JSON.stringify(value);
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * clicksPerMinute(env, { clicks: 'clicks.jsonl', counts: 'out/counts.jsonl', lateClicks: 'out/late.jsonl', deadLetters: 'out/dead.jsonl' });
 * await env.execute('clicks-per-minute');
 */
export function clicksPerMinute(env: StreamEnvironment, paths: ClicksPerMinutePaths): ClicksPerMinuteStreams {
  const clicks = env.fromSource(
    sources.jsonl<Click>(paths.clicks, { validate: parseClick }),
    WatermarkStrategy.forBoundedOutOfOrderness<Click>(OUT_OF_ORDERNESS_MS)
      .withTimestampAssigner((c) => c.ts)
      .withIdleness(IDLENESS_MS),
    'clicks',
  );
  const counts = clicks
    .keyBy((c) => c.page)
    .window(TumblingEventTimeWindows.of<Click>(WINDOW_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_CLICKS)
    .count()
    .name('clicks-per-page-minute');
  const lateClicks = counts.getSideOutput(LATE_CLICKS);
  const deadLetters = clicks.getSideOutput(DEAD_LETTERS);

  counts.sinkTo(sinks.jsonl(paths.counts)).name('counts');
  lateClicks.sinkTo(sinks.jsonl(paths.lateClicks)).name('late-clicks');
  deadLetters.sinkTo(sinks.jsonl(paths.deadLetters)).name('dead-letters');
  return { clicks, counts, lateClicks, deadLetters };
}
