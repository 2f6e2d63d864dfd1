/**
 * card-velocity: alerts from sliding windows, late firings and the reconciliation output with the
 * StreamTestDriver; the whole job on the sample data against a brute-force count of every window.
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
  ALLOWED_LATENESS_MS, MAX_DECLINES, OUT_OF_ORDERNESS_MS, SLIDE_MS, WINDOW_MS, cardVelocity,
  type Alert, type Authorization, type CardVelocityPaths,
} from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/authorizations.jsonl', import.meta.url));
const MIN = 60_000;
/** An hour in, so that every window of the test starts after 0. */
const T0 = 60 * MIN;

function pathsIn(dir: string, authorizations: string): CardVelocityPaths {
  return { authorizations, alerts: join(dir, 'alerts.jsonl'), reconciliation: join(dir, 'late-declines.jsonl') };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

function drive() {
  const env = StreamEnvironment.create();
  const job = cardVelocity(env, pathsIn('unused', 'unused.jsonl'));
  const driver = StreamTestDriver.create(env);
  const alerts = driver.output(job.alerts);
  const late = driver.output(job.lateDeclines);
  return { driver, alerts, late, auths: driver.input<Authorization>('authorizations') };
}

let nextAuth = 1;
const auth = (card: string, ts: number, status: Authorization['status'] = 'DECLINED'): Authorization => ({
  auth_id: `a-${nextAuth++}`, card, ts, status, amount_usd: 10, merchant_id: 'm1',
});
/** An alert for the ten-minute window starting `startMin` minutes after T0. */
const alert = (card: string, startMin: number, declines: number): Alert => ({
  card, windowStart: T0 + startMin * MIN, windowEnd: T0 + (startMin + 10) * MIN, declines,
});

test('four declines within ten minutes raise an alert for every window that holds all four', () => {
  const { auths, alerts } = drive();
  for (const m of [1, 3, 5]) auths.push(auth('X', T0 + m * MIN)).push(auth('X', T0 + m * MIN + 1_000, 'APPROVED'));
  auths.push(auth('X', T0 + 8.5 * MIN));
  for (const m of [2, 4, 6]) auths.push(auth('Y', T0 + m * MIN)); // three are not an alert
  auths.end();
  // [T0-1m, T0+9m), [T0, T0+10m) and [T0+1m, T0+11m) hold 1, 3, 5 and 8.5; the window from 2 minutes misses 1.
  assert.deepEqual(alerts.take(), [alert('X', -1, 4), alert('X', 0, 4), alert('X', 1, 4)]);
});

test('a decline within the two minutes of allowed lateness fires its windows again: the alert comes back with the new count', () => {
  const { driver, auths, alerts, late } = drive();
  for (const m of [1, 3, 5, 6]) auths.push(auth('X', T0 + m * MIN));
  auths.push(auth('Z', T0 + 12 * MIN, 'APPROVED')); // watermark T0 + 11:14.999: windows ending by 11 min fire
  assert.deepEqual(alerts.take(), [-3, -2, -1, 0, 1].map((s) => alert('X', s, 4)));

  // 8 minutes behind, yet on time for the windows from 4 minutes on; of those that have fired,
  // the ones from 0 and 1 minutes are within their allowed lateness and fire again.
  auths.push(auth('X', T0 + 4 * MIN));
  assert.deepEqual(alerts.take().sort((a, b) => a.windowStart - b.windowStart), [alert('X', 0, 5), alert('X', 1, 5)]);

  auths.push(auth('Z', T0 + 20 * MIN, 'APPROVED')); // watermark T0 + 19:14.999
  assert.deepEqual(alerts.take(), [alert('X', 2, 4), alert('X', 3, 4)]);
  const tooLate = auth('X', T0 + 2 * MIN); // its last window, [2 min, 12 min), expired at 14 min
  auths.push(tooLate);
  assert.deepEqual(late.values, [tooLate]);
  assert.equal(driver.metrics().lateToSideOutput, 1);
  driver.endInput();
  assert.deepEqual(alerts.take(), []);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateAuthorizations());
});

/**
 * Authorizations in file order, the watermark before each being the highest timestamp so far
 * minus the bound minus 1. A decline counts in each of its ten windows that has not passed its
 * allowed lateness; if that is none of them, it is late.
 */
function bruteForce(auths: readonly Authorization[]) {
  const counts = new Map<string, Alert>();
  const late: Authorization[] = [];
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const a of auths) {
    const watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    maxTs = Math.max(maxTs, a.ts);
    if (a.status !== 'DECLINED') continue;
    let counted = false;
    for (let start = Math.floor(a.ts / SLIDE_MS) * SLIDE_MS; start > a.ts - WINDOW_MS; start -= SLIDE_MS) {
      if (start + WINDOW_MS - 1 + ALLOWED_LATENESS_MS <= watermark) continue;
      const id = `${a.card}@${start}`;
      counts.set(id, { card: a.card, windowStart: start, windowEnd: start + WINDOW_MS, declines: (counts.get(id)?.declines ?? 0) + 1 });
      counted = true;
    }
    if (!counted) late.push(a);
  }
  const alerts = new Map([...counts].filter(([, c]) => c.declines > MAX_DECLINES));
  return { alerts, late };
}

/** The last alert written for each card and window: the count after any late firings. */
function finalAlerts(alerts: readonly Alert[]): Map<string, Alert> {
  const last = new Map<string, Alert>();
  for (const a of alerts) last.set(`${a.card}@${a.windowStart}`, a);
  return last;
}

const sorted = (m: Map<string, Alert>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

for (const batchSize of [1, 1024]) {
  test(`the job on the sample data raises the brute-force alerts (batches of ${batchSize})`, async () => {
    const input = readJsonl<Authorization>(SAMPLE);
    const expected = bruteForce(input);
    assert.equal(expected.late.length, 5);
    assert.deepEqual(new Set([...expected.alerts.values()].map((a) => a.card)), new Set(['4000-9001', '4000-9002', '4000-9003', '4000-9004']));

    const dir = mkdtempSync(join(tmpdir(), 'card-velocity-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    cardVelocity(env, paths);
    const result = await env.execute('card-velocity');

    assert.equal(result.status, 'finished');
    const alerts = readJsonl<Alert>(paths.alerts);
    assert.deepEqual(sorted(finalAlerts(alerts)), sorted(expected.alerts));
    // Record by record, the decline held up for 110 s re-fires a window that had already alerted.
    if (batchSize === 1) assert.ok(alerts.length > expected.alerts.size, 'an alert came again with a higher count');
    assert.deepEqual(readJsonl<Authorization>(paths.reconciliation), expected.late);
  });
}
