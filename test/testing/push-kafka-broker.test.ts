// pushKafka against the real thing: the same messages read from a real broker by sources.kafka
// and pushed into the test driver give the same records and the same dead letters.
// Needs KAFKA_BROKERS (scripts/kafka/up.sh); fails with a clear message without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_LETTERS, type DeadLetter, StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { brokers, createTopic, produce, uniqueName } from '../kafka/kafka-test-env.ts';

interface Row { card: string; amount: number; at: string }

const sorted = <T>(xs: readonly T[]) => xs.map((x) => JSON.stringify(x)).sort();

test('pushKafka gives what sources.kafka reading the same messages from a broker gives', async () => {
  const topic = uniqueName('push-kafka');
  await createTopic(topic, 2);
  const messages: [number, string | null, unknown][] = [];
  for (let i = 0; i < 60; i++) {
    const bad = i % 7 === 3 ? '{not json' : i % 11 === 5 ? { card: `c${i % 4}`, amount: 'lots' } : { card: `c${i % 4}`, amount: i };
    messages.push([i % 2, i % 5 === 0 ? null : `k${i % 3}`, bad]);
  }
  await produce(topic, messages);
  const options = (b: string) => ({
    brokers: b, topics: [topic], groupId: uniqueName('g'), stopAtEnd: true, value: 'json' as const, key: 'string' as const,
    record: (r: { key: string | null; value: { card: string; amount: unknown }; partition: number; offset: number }): Row => {
      if (typeof r.value.amount !== 'number') throw new Error(`amount must be a number, got ${JSON.stringify(r.value.amount)}`);
      return { card: r.value.card, amount: r.value.amount, at: `${r.key}@${r.partition}/${r.offset}` };
    },
  });

  const env = StreamEnvironment.create({ log: () => {} });
  const real = env.fromSource(sources.kafka<Row, string | null, { card: string; amount: unknown }>(options(brokers())), WatermarkStrategy.noWatermarks(), 'payments');
  const records = sinks.collect<Row>();
  const letters = sinks.collect<DeadLetter>();
  real.sinkTo(records);
  real.getSideOutput(DEAD_LETTERS).sinkTo(letters);
  await env.execute();

  const tenv = StreamEnvironment.create();
  const fake = tenv.fromSource(sources.kafka<Row, string | null, { card: string; amount: unknown }>(options('127.0.0.1:1')), WatermarkStrategy.noWatermarks(), 'payments');
  fake.sinkTo(sinks.collect());
  fake.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(tenv);
  const out = driver.output(fake);
  const dead = driver.sideOutput(fake, DEAD_LETTERS);
  driver.input<Row>('payments').pushKafka(messages.map(([partition, key, value]) => ({
    partition, key, value: typeof value === 'string' ? value : JSON.stringify(value),
  })));
  driver.endInput();

  assert.equal(records.values.length + letters.values.length, 60);
  assert.ok(letters.values.length >= 10, `${letters.values.length} dead letters`);
  // Partitions interleave differently; per record and per dead letter they must agree exactly.
  assert.deepEqual(sorted(out.values), sorted(records.values));
  assert.deepEqual(sorted(dead.values), sorted(letters.values));
});
