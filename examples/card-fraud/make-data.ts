/**
 * Sample authorizations for card-fraud: a few risky cards decline in bursts or spend heavily,
 * terminals report up to 40 s out of order, and (optionally) a few authorizations arrive two
 * hours late. Publishes them to Kafka keyed by card token.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 node --conditions=eddy-source --import tsx examples/card-fraud/make-data.ts [topic] [count]
 */
import { fileURLToPath } from 'node:url';
import { kafkaAdmin } from 'eddy';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { prng } from '../shared/prng.ts';
import type { Authorization } from './pipeline.ts';

/** 2026-11-02 08:00 UTC: sample event time starts here. */
export const START = Date.UTC(2026, 10, 2, 8);

/**
 * `count` authorizations, one every ~2 s of event time, in arrival order. With `lateEvery`, every
 * n-th one (after the first three hours) is stamped two hours in the past: too late for any window.
 *
 * @example
 * const auths = generateAuthorizations(42, 8000, { lateEvery: 500 });
 */
export function generateAuthorizations(seed: number, count: number, opts: { lateEvery?: number } = {}): Authorization[] {
  const random = prng(seed);
  const out: Authorization[] = [];
  const cards = Array.from({ length: 40 }, (_, i) => `card-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < count; i++) {
    const base = START + i * 2_000;
    const risky = random() < 0.15;
    const card = risky ? cards[Math.floor(random() * 4)] : cards[4 + Math.floor(random() * 36)];
    const declined = random() < (risky ? 0.45 : 0.05);
    let ts = base - Math.floor(random() * 40_000);
    const late = opts.lateEvery !== undefined && base - START > 3 * 3_600_000 && i % opts.lateEvery === 0;
    if (late) ts = base - 2 * 3_600_000;
    out.push({
      auth_id: `auth-${i}`, card_token: card, ts, status: declined ? 'DECLINED' : 'APPROVED',
      amount_usd: Math.round((risky ? 20 + random() * 380 : 5 + random() * 120) * 100) / 100, merchant_id: `m-${Math.floor(random() * 25)}`,
    });
  }
  return out;
}

/** Writes authorizations to `topic`, keyed by card token (murmur2, as Java producers). */
export async function publish(brokers: string, topic: string, auths: readonly Authorization[]): Promise<void> {
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers, 'partitioner': 'murmur2_random', 'linger.ms': 5 });
  try {
    for (const a of auths) p.produce(topic, null, Buffer.from(JSON.stringify(a)), a.card_token, null, undefined);
    await p.flush();
  } finally {
    await p.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: eval "export $(scripts/kafka/up.sh)"');
  const topic = process.argv[2] ?? 'payments.auth';
  const count = Number(process.argv[3] ?? 10_000);
  const admin = kafkaAdmin(brokers);
  await admin.createTopic(topic, 3);
  admin.close();
  await publish(brokers, topic, generateAuthorizations(42, count, { lateEvery: 500 }));
  console.log(`card-fraud: ${count} authorizations -> ${topic} @ ${brokers}`);
}
