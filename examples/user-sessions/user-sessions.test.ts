/**
 * user-sessions: sessions closing, merging and late clicks with the StreamTestDriver; the whole
 * job on the sample data against sessions cut by hand from the sorted clicks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateClicks } from './make-data.ts';
import { GAP_MS, OUT_OF_ORDERNESS_MS, userSessions, type Session, type UserClick, type UserSessionsPaths } from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/clicks.jsonl', import.meta.url));
const MIN = 60_000;

function pathsIn(dir: string, clicks: string): UserSessionsPaths {
  return { clicks, sessions: join(dir, 'sessions.jsonl'), lateClicks: join(dir, 'late-clicks.jsonl') };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

function drive() {
  const env = StreamEnvironment.create();
  const job = userSessions(env, pathsIn('unused', 'unused.jsonl'));
  const driver = StreamTestDriver.create(env);
  const sessions = driver.output(job.sessions);
  const late = driver.output(job.lateClicks);
  return { driver, sessions, late, clicks: driver.input<UserClick>('clicks') };
}

const click = (user: string, ts: number, page = '/'): UserClick => ({ user, ts, page });
const session = (user: string, start: number, end: number, clicks: number): Session => ({ user, start, end, clicks, durationMs: end - start });

test('a session closes once the watermark passes its last click plus 30 minutes', () => {
  const { clicks, sessions } = drive();
  clicks.push(click('a', 0)).push(click('a', 10 * MIN)).push(click('a', 35 * MIN)); // 25 min apart: one session
  clicks.push(click('b', 64 * MIN)); // watermark 63 min - 1 ms: a's session ends at 65 min
  assert.deepEqual(sessions.values, []);
  clicks.push(click('a', 70 * MIN)); // 35 min after a's last click: a new session; the watermark passes 65 min
  assert.deepEqual(sessions.take(), [session('a', 0, 35 * MIN, 3)]);
  clicks.end();
  assert.deepEqual(sessions.take(), [session('b', 64 * MIN, 64 * MIN, 1), session('a', 70 * MIN, 70 * MIN, 1)]);
});

test('a click that arrives out of order can bridge two open sessions into one', () => {
  const { clicks, sessions } = drive();
  clicks.push(click('b', 100 * MIN)).push(click('b', 130.5 * MIN)); // 30.5 min apart: two sessions, both open
  clicks.push(click('b', 115 * MIN)); // 15.5 min out of order, yet on time: both sessions are still open
  clicks.end();
  assert.deepEqual(sessions.take(), [session('b', 100 * MIN, 130.5 * MIN, 3)]);
});

test('a click for a session that has closed goes to the late output, unless its own gap is still open', () => {
  const { driver, clicks, sessions, late } = drive();
  clicks.push(click('c', 0)).push(click('c', 5 * MIN));
  clicks.push(click('d', 40 * MIN)); // watermark 39 min - 1 ms: c's session [0, 35 min) closes
  assert.deepEqual(sessions.take(), [session('c', 0, 5 * MIN, 2)]);

  clicks.push(click('c', 3 * MIN)); // its gap ended at 33 min: late
  assert.deepEqual(late.values, [click('c', 3 * MIN)]);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  // As in Flink, a closed session is gone (no allowed lateness): this click, whose own gap runs
  // to 50 min, opens a new session rather than extending the one already written.
  clicks.push(click('c', 20 * MIN));
  clicks.end();
  assert.deepEqual(sessions.take(), [session('c', 20 * MIN, 20 * MIN, 1), session('d', 40 * MIN, 40 * MIN, 1)]);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateClicks());
});

function byUserStart(a: Session, b: Session): number {
  return a.user < b.user ? -1 : a.user > b.user ? 1 : a.start - b.start;
}

/**
 * Clicks in file order: one is late when its own window [ts, ts + gap) has closed, the watermark
 * before it being the highest timestamp so far minus the bound minus 1. The sample's late clicks
 * are hours behind, far from any open session. The others, sorted per user, split into sessions
 * wherever two clicks are more than the gap apart.
 */
function bruteForce(clicks: readonly UserClick[]) {
  const late: UserClick[] = [];
  const byUser = new Map<string, number[]>();
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const c of clicks) {
    const watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    if (c.ts + GAP_MS - 1 <= watermark) late.push(c);
    else byUser.set(c.user, [...(byUser.get(c.user) ?? []), c.ts]);
    maxTs = Math.max(maxTs, c.ts);
  }
  const sessions: Session[] = [];
  for (const [user, times] of byUser) {
    times.sort((a, b) => a - b);
    let first = 0;
    for (let i = 1; i <= times.length; i++) {
      if (i === times.length || times[i] - times[i - 1] > GAP_MS) {
        sessions.push(session(user, times[first], times[i - 1], i - first));
        first = i;
      }
    }
  }
  return { sessions: sessions.sort(byUserStart), late };
}

for (const batchSize of [1, 1024]) {
  test(`the job on the sample data finds the brute-force sessions (batches of ${batchSize})`, async () => {
    const input = readJsonl<UserClick>(SAMPLE);
    const expected = bruteForce(input);
    assert.equal(expected.late.length, 5);

    const dir = mkdtempSync(join(tmpdir(), 'user-sessions-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    userSessions(env, paths);
    const result = await env.execute('user-sessions');

    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.recordsIn, input.length);
    // No allowed lateness: each session is written exactly once.
    assert.deepEqual(readJsonl<Session>(paths.sessions).sort(byUserStart), expected.sessions);
    assert.deepEqual(readJsonl<UserClick>(paths.lateClicks), expected.late);
  });
}
