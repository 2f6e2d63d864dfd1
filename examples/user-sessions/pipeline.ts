/**
 * user-sessions: each user's sessions, closed by 30 minutes without a click.
 *
 * Shows event-time session windows (EventTimeSessionWindows.withGap): a window per burst of
 * activity, merged as clicks arrive out of order, closed when the watermark passes the last click
 * plus the gap; the built-in count aggregate with a window function that turns the window bounds
 * into the session's start, end and duration; and late clicks routed to a file.
 */
import {
  Aggregates, EventTimeSessionWindows, OutputTag, WatermarkStrategy, sinks, sources,
  type DataStream, type StreamEnvironment,
} from 'eddy';

/** One click of a signed-in user. */
export interface UserClick {
  readonly user: string;
  /** When the click happened (event time), epoch ms. */
  readonly ts: number;
  readonly page: string;
}

/** What the job writes for each session. */
export interface Session {
  readonly user: string;
  /** Time of the first click, epoch ms. */
  readonly start: number;
  /** Time of the last click, epoch ms (the window itself closes a gap later). */
  readonly end: number;
  readonly clicks: number;
  readonly durationMs: number;
}

/** A session ends after this long without a click; clicks may arrive up to a minute out of order. */
export const GAP_MS = 30 * 60_000;
export const OUT_OF_ORDERNESS_MS = 60_000;

/** Clicks that arrive after the session they belong to has closed. */
export const LATE_CLICKS = new OutputTag<UserClick>('late-clicks');

/** Where the job reads and writes. */
export interface UserSessionsPaths {
  /** Input, one JSON click per line. */
  readonly clicks: string;
  /** Output, one `Session` per line. */
  readonly sessions: string;
  readonly lateClicks: string;
}

/** The streams of the job, for tests to observe. */
export interface UserSessionsStreams {
  readonly clicks: DataStream<UserClick>;
  readonly sessions: DataStream<Session>;
  readonly lateClicks: DataStream<UserClick>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * userSessions(env, { clicks: 'clicks.jsonl', sessions: 'out/sessions.jsonl', lateClicks: 'out/late-clicks.jsonl' });
 * await env.execute('user-sessions');
 */
export function userSessions(env: StreamEnvironment, paths: UserSessionsPaths): UserSessionsStreams {
  const clicks = env.fromSource(
    sources.jsonl<UserClick>(paths.clicks),
    WatermarkStrategy.forBoundedOutOfOrderness<UserClick>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((c) => c.ts),
    'clicks',
  );
  // A session window spans [first click, last click + gap).
  const sessions = clicks
    .keyBy((c) => c.user)
    .window(EventTimeSessionWindows.withGap<UserClick>(GAP_MS))
    .sideOutputLateData(LATE_CLICKS)
    .aggregate(Aggregates.count<UserClick>(), (user, w, clicks): Session => ({
      user, start: w.start, end: w.end - GAP_MS, clicks, durationMs: w.end - GAP_MS - w.start,
    }))
    .name('sessions');
  const lateClicks = sessions.getSideOutput(LATE_CLICKS);

  sessions.sinkTo(sinks.jsonl(paths.sessions)).name('sessions-file');
  lateClicks.sinkTo(sinks.jsonl(paths.lateClicks)).name('late-clicks');
  return { clicks, sessions, lateClicks };
}
