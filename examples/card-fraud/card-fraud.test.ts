/**
 * card-fraud against the real broker: alerts read back from the alerts topic with read_committed
 * equal a brute-force evaluation of both rules; authorizations two hours late land on the
 * reconciliation topic and nowhere else. Needs KAFKA_BROKERS (scripts/kafka/up.sh).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StreamEnvironment } from 'eddy';
import { brokers, createTopic, readTopic, uniqueName, values } from '../../test/kafka/kafka-test-env.ts';
import { START, generateAuthorizations, publish } from './make-data.ts';
import {
  DECLINE_SLIDE_MS, DECLINE_WINDOW_MS, MAX_DECLINES, MAX_SPEND_USD, SPEND_WINDOW_MS, cardFraud, type Authorization, type FraudAlert,
} from './pipeline.ts';

/** Both rules by brute force over the on-time authorizations. */
function oracle(auths: readonly Authorization[]): FraudAlert[] {
  const declines = new Map<string, number>();
  const spend = new Map<string, number>();
  for (const a of auths) {
    if (a.status === 'DECLINED') {
      for (let s = a.ts - (a.ts % DECLINE_SLIDE_MS); s > a.ts - DECLINE_WINDOW_MS; s -= DECLINE_SLIDE_MS) {
        const k = `${a.card_token}|${s}`;
        declines.set(k, (declines.get(k) ?? 0) + 1);
      }
    } else {
      const k = `${a.card_token}|${a.ts - (a.ts % SPEND_WINDOW_MS)}`;
      spend.set(k, (spend.get(k) ?? 0) + Math.round(a.amount_usd * 100));
    }
  }
  const out: FraudAlert[] = [];
  for (const [k, n] of declines) {
    const [card, s] = k.split('|');
    if (n > MAX_DECLINES) out.push({ rule: 'declines', card_token: card, windowStart: +s, windowEnd: +s + DECLINE_WINDOW_MS, declines: n });
  }
  for (const [k, cents] of spend) {
    const [card, s] = k.split('|');
    if (cents > MAX_SPEND_USD * 100) out.push({ rule: 'spend', card_token: card, windowStart: +s, windowEnd: +s + SPEND_WINDOW_MS, spend_usd: cents / 100 });
  }
  return sorted(out);
}

const sorted = <T>(xs: T[]): T[] => xs.map((x) => JSON.stringify(x)).sort().map((s) => JSON.parse(s) as T);

async function runJob(partitions: number, auths: readonly Authorization[]) {
  const t = { brokers: brokers(), authorizations: uniqueName('payments.auth'), alerts: uniqueName('fraud.alerts'), reconciliation: uniqueName('payments.reconciliation'), groupId: uniqueName('card-fraud'), stopAtEnd: true };
  await createTopic(t.authorizations, partitions);
  await createTopic(t.alerts, 3);
  await createTopic(t.reconciliation, 1);
  await publish(t.brokers, t.authorizations, auths);
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(mkdtempSync(join(tmpdir(), 'eddy-card-fraud-')), 'ckpt'), intervalMs: 200 } });
  cardFraud(env, t);
  const result = await env.execute('card-fraud');
  return { t, result };
}

test('card-fraud on 3 partitions: fraud.alerts (read_committed) equals both rules evaluated by brute force', { timeout: 120_000 }, async () => {
  const auths = generateAuthorizations(7, 8000);
  const expected = oracle(auths);
  assert.ok(expected.some((a) => a.rule === 'declines') && expected.some((a) => a.rule === 'spend'), 'the sample data should trigger both rules');
  const { t, result } = await runJob(3, auths);
  assert.equal(result.metrics.recordsIn, auths.length);
  assert.equal(result.metrics.lateToSideOutput, 0);
  const alerts = values<FraudAlert>(await readTopic(t.alerts, { expected: expected.length, settleMs: 1000 }));
  assert.deepEqual(sorted(alerts), expected);
});

test('card-fraud: authorizations two hours late go to the reconciliation topic, and count in no window', { timeout: 120_000 }, async () => {
  const auths = generateAuthorizations(11, 8000, { lateEvery: 400 });
  // Generated every 2 s of event time from START; the late ones are stamped two hours back.
  const late = auths.filter((a) => START + Number(a.auth_id.slice('auth-'.length)) * 2_000 - a.ts > 3_600_000);
  assert.ok(late.length >= 5, `expected several late authorizations, got ${late.length}`);
  const onTime = auths.filter((a) => !late.includes(a));
  // One partition: the order of reading (and so lateness) is the order written.
  const { t } = await runJob(1, auths);
  const recon = values<Authorization>(await readTopic(t.reconciliation, { expected: late.length, settleMs: 1000 }));
  assert.deepEqual(sorted(recon), sorted(late));
  const alerts = values<FraudAlert>(await readTopic(t.alerts, { expected: 1, settleMs: 1000 }));
  assert.deepEqual(sorted(alerts), oracle(onTime));
});
