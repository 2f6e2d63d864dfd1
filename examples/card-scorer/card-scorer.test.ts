/**
 * card-scorer: the pattern's alerts, timed-out decline runs and late authorizations with the
 * StreamTestDriver; the whole job on the sample data against a brute-force reading of the pattern.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateAuthorizations } from './make-data.ts';
import {
  BIG_APPROVAL_USD, MIN_DECLINES, OUT_OF_ORDERNESS_MS, WINDOW_MS, cardScorer,
  type Alert, type Authorization, type CardScorerPaths, type DeclineRun,
} from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/authorizations.jsonl', import.meta.url));
const MIN = 60_000;
const T0 = 60 * MIN;

const pathsIn = (dir: string, authorizations: string): CardScorerPaths => ({
  authorizations, alerts: join(dir, 'alerts.jsonl'), declineRuns: join(dir, 'runs.jsonl'), late: join(dir, 'late.jsonl'),
});
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);

function drive() {
  const env = StreamEnvironment.create();
  const job = cardScorer(env, pathsIn('unused', 'unused.jsonl'));
  const driver = StreamTestDriver.create(env);
  return {
    driver, alerts: driver.output(job.alerts), runs: driver.output(job.declineRuns), late: driver.output(job.late),
    auths: driver.input<Authorization>('authorizations'),
  };
}

let next = 1;
const auth = (card: string, ts: number, status: Authorization['status'] = 'DECLINED', amount_usd = 20): Authorization => ({
  auth_id: `a-${next++}`, card, ts, status, amount_usd, merchant_id: 'm1',
});

test('three declines, then an approval over $500 within ten minutes: one alert, small approvals in between skipped', () => {
  const { auths, alerts } = drive();
  auths.push(auth('X', T0)).push(auth('X', T0 + 20_000)).push(auth('X', T0 + 30_000, 'APPROVED', 45)).push(auth('X', T0 + 60_000));
  const big = auth('X', T0 + 9 * MIN, 'APPROVED', 800);
  auths.push(big).push(auth('Y', T0 + 20 * MIN, 'APPROVED'));
  // With skipPastLastEvent the matches that started later (two declines) and the shorter runs of
  // the same start are dropped: one alert per approval.
  assert.equal(alerts.values.length, 1);
  assert.deepEqual({ ...alerts.values[0], declines: 0 }, { card: 'X', declines: 0, firstDeclineAt: T0, approvalId: big.auth_id, approvedAt: big.ts, amount_usd: 800 });
  assert.ok(alerts.values[0].declines >= MIN_DECLINES);
  assert.deepEqual(alerts.timestamps, [big.ts], 'the alert carries the approval time');
});

test('an approval too late, too small, or after only two declines raises nothing; runs that time out go to their own output', () => {
  const { driver, auths, alerts, runs } = drive();
  for (const s of [0, 5, 10]) auths.push(auth('A', T0 + s * 1_000));
  auths.push(auth('A', T0 + WINDOW_MS, 'APPROVED', 900)); // exactly ten minutes after the first decline: outside
  const T1 = T0 + 15 * MIN;
  for (const s of [0, 5, 10]) auths.push(auth('B', T1 + s * 1_000));
  auths.push(auth('B', T1 + 60_000, 'APPROVED', BIG_APPROVAL_USD)); // not over $500
  const T2 = T0 + 30 * MIN;
  for (const s of [0, 5]) auths.push(auth('C', T2 + s * 1_000));
  auths.push(auth('C', T2 + 60_000, 'APPROVED', 2_000));
  driver.endInput();
  assert.deepEqual(alerts.values, []);
  const longest = new Map<string, DeclineRun>();
  for (const r of runs.values) if ((longest.get(r.card)?.declines ?? 0) < r.declines) longest.set(r.card, r);
  assert.deepEqual([...longest.values()].sort((a, b) => a.card.localeCompare(b.card)),
    [{ card: 'A', declines: 3, firstDeclineAt: T0 }, { card: 'B', declines: 3, firstDeclineAt: T1 }]);
});

test('an authorization behind the watermark goes to the late output', () => {
  const { auths, late } = drive();
  auths.push(auth('X', T0 + 10 * MIN));
  const old = auth('X', T0 + 10 * MIN - OUT_OF_ORDERNESS_MS - 1);
  auths.push(old);
  assert.deepEqual(late.values, [old]);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateAuthorizations());
});

/**
 * The pattern read by hand: authorizations in file order; one is late when, at the watermark its
 * batch started with, the watermark had passed it. Per card in time order, an approval over $500
 * raises an alert when at least three declines since the card's previous alert are less than ten
 * minutes before it; the alert's run starts at the earliest of them.
 */
function bruteForce(auths: readonly Authorization[], batchSize: number) {
  const late: Authorization[] = [];
  const onTime: Authorization[] = [];
  let maxTs = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  auths.forEach((a, i) => {
    if (i % batchSize === 0) watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    maxTs = Math.max(maxTs, a.ts);
    (a.ts <= watermark ? late : onTime).push(a);
  });
  const alerts: { card: string; firstDeclineAt: number; approvalId: string }[] = [];
  const byCard = new Map<string, Authorization[]>();
  onTime.forEach((a) => byCard.set(a.card, [...(byCard.get(a.card) ?? []), a]));
  for (const [card, list] of byCard) {
    const ordered = list.map((a, i) => ({ a, i })).sort((x, y) => x.a.ts - y.a.ts || x.i - y.i).map((x) => x.a);
    let since = 0;
    ordered.forEach((a, i) => {
      if (a.status !== 'APPROVED' || a.amount_usd <= BIG_APPROVAL_USD) return;
      const declines = ordered.slice(since, i).filter((d) => d.status === 'DECLINED' && a.ts - d.ts < WINDOW_MS);
      if (declines.length < MIN_DECLINES) return;
      alerts.push({ card, firstDeclineAt: declines[0].ts, approvalId: a.auth_id });
      since = i + 1;
    });
  }
  return { alerts, late };
}

for (const batchSize of [1, 1024]) {
  test(`the job on the sample data raises the brute-force alerts (batches of ${batchSize})`, async () => {
    const input = readJsonl<Authorization>(SAMPLE);
    const expected = bruteForce(input, batchSize);
    assert.deepEqual(expected.alerts.map((a) => a.card).sort(), ['4000-9001', '4000-9002', '4000-9003']);
    assert.equal(expected.late.length, 4);
    const dir = mkdtempSync(join(tmpdir(), 'card-scorer-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    cardScorer(env, paths);
    const result = await env.execute('card-scorer');
    assert.equal(result.status, 'finished');
    const alerts = readJsonl<Alert>(paths.alerts);
    const key = (a: { card: string; approvalId: string }) => `${a.card}/${a.approvalId}`;
    assert.deepEqual(alerts.map((a) => ({ card: a.card, firstDeclineAt: a.firstDeclineAt, approvalId: a.approvalId })).sort((a, b) => key(a).localeCompare(key(b))),
      [...expected.alerts].sort((a, b) => key(a).localeCompare(key(b))));
    assert.ok(alerts.every((a) => a.declines >= MIN_DECLINES && a.approvedAt - a.firstDeclineAt < WINDOW_MS));
    assert.deepEqual(readJsonl<Authorization>(paths.late), expected.late);
    const runs = readJsonl<DeclineRun>(paths.declineRuns);
    assert.deepEqual([...new Set(runs.map((r) => r.card))].sort(), ['4000-9004', '4000-9005'], 'the attacks without a big approval in time');
    const cep = result.metrics.operators.find((o) => o.name === 'card-testing')!;
    assert.equal(cep.partialMatches, 0, 'at the end of input every partial match has timed out');
    assert.equal(cep.bufferedEvents, 0);
  });
}
