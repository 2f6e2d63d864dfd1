import { randomBytes } from 'node:crypto';
import { KafkaConsumerHandle, KafkaProducerHandle, kafkaAdmin, type KafkaMessage } from '../../src/connectors/kafka/kafka-client.ts';

/** The broker for Kafka tests: `scripts/kafka/up.sh` prints it. Fails clearly when unset. */
export function brokers(): string {
  const b = process.env.KAFKA_BROKERS;
  if (b === undefined || b === '') {
    throw new Error('KAFKA_BROKERS is not set: start the test broker with eval "export $(scripts/kafka/up.sh)" (npm test does this)');
  }
  return b;
}

/** A topic name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = kafkaAdmin(brokers());
  try {
    await admin.createTopic(name, partitions);
  } finally {
    admin.close();
  }
}

/** Writes [partition, key, value] triples (value: object as JSON, or a raw string). */
export async function produce(topic: string, records: readonly [number, string | null, unknown][]): Promise<void> {
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 2 });
  try {
    for (const [partition, key, value] of records) {
      p.produce(topic, partition, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), key, null, undefined);
    }
    await p.flush();
  } finally {
    await p.close();
  }
}

/**
 * Reads a topic from the beginning with read_committed until `expected` messages arrived (or
 * `quietMs` passed without any once at least that many had been seen; or `timeoutMs`).
 */
export async function readTopic(topic: string, opts: { expected: number; timeoutMs?: number; isolation?: 'read_committed' | 'read_uncommitted'; settleMs?: number }): Promise<KafkaMessage[]> {
  const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers(), 'group.id': uniqueName('reader'), 'isolation.level': opts.isolation ?? 'read_committed' }, 100);
  const out: KafkaMessage[] = [];
  try {
    const parts = await c.partitions(topic);
    c.assign(parts.map((partition) => ({ topic, partition, offset: 0 })));
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    // After reaching `expected`, keep reading a little to catch duplicates.
    let settleUntil = Number.POSITIVE_INFINITY;
    while (Date.now() < deadline && Date.now() < settleUntil) {
      out.push(...(await c.consume(10_000)));
      if (out.length >= opts.expected && settleUntil === Number.POSITIVE_INFINITY) settleUntil = Date.now() + (opts.settleMs ?? 500);
    }
  } finally {
    await c.close();
  }
  return out;
}

/** The JSON values of messages. */
export function values<T>(messages: readonly KafkaMessage[]): T[] {
  return messages.map((m) => JSON.parse(m.value!.toString('utf8')) as T);
}
