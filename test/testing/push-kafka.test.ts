// TestInput.pushKafka: raw Kafka messages through a sources.kafka source's own deserializers in
// the test driver (no broker), undecodable ones to DEAD_LETTERS at topic/partition@offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_LETTERS, type EnvironmentOptions, type Source, StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';

interface Payment { card: string; amount: number }

function payments<T>(source: Source<T>, options: EnvironmentOptions = {}) {
  const env = StreamEnvironment.create(options);
  const stream = env.fromSource(source, WatermarkStrategy.noWatermarks<T>(), 'payments');
  stream.sinkTo(sinks.collect());
  stream.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  return { driver, out: driver.output(stream), dead: driver.sideOutput(stream, DEAD_LETTERS), input: driver.input<T>('payments') };
}

const kafka = { brokers: '127.0.0.1:1', topics: ['payments.auth'], groupId: 'test' } as const;

test('pushKafka: JSON values become records; bad ones go to DEAD_LETTERS with topic/partition@offset', () => {
  const { driver, out, dead, input } = payments(sources.kafka<Payment>({ ...kafka, value: 'json' }));
  input.pushKafka([
    { value: '{"card":"c1","amount":12}' },
    { value: '{oops' },
    { value: null, partition: 3, offset: 41 },
    { value: Buffer.from('{"card":"c2","amount":5}'), partition: 3 },
  ]);
  assert.deepEqual(out.values, [{ card: 'c1', amount: 12 }, { card: 'c2', amount: 5 }]);
  assert.deepEqual(dead.values.map((d) => [d.operator, d.position, d.raw]), [['payments', 'payments.auth/0@1', '{oops'], ['payments', 'payments.auth/3@41', 'null']]);
  assert.match(dead.values[1].reason, /null value \(a tombstone\) cannot be parsed as JSON/);
  assert.equal(driver.metrics().deadLetters, 2);
  input.pushKafka([{ value: '{' }]);
  assert.equal(dead.values[2].position, 'payments.auth/0@2', 'offsets count on per partition across calls');
});

test('pushKafka: key, metadata and the source\'s record function; a record function that throws is a dead letter', () => {
  const src = sources.kafka<{ card: string; amount: number; at: string }, string, number>({
    ...kafka, value: (b) => Number(b!.toString()), key: 'string',
    record: (r) => {
      if (Number.isNaN(r.value)) throw new Error(`amount is not a number`);
      return { card: r.key, amount: r.value, at: `${r.topic}/${r.partition}@${r.offset} t=${r.timestamp}` };
    },
  });
  const { out, dead, input } = payments(src);
  input.pushKafka([{ key: 'c9', value: '7', timestamp: 1_000, topic: 'payments.eu', partition: 1, offset: 10 }, { key: 'c9', value: 'x' }]);
  assert.deepEqual(out.values, [{ card: 'c9', amount: 7, at: 'payments.eu/1@10 t=1000' }]);
  assert.deepEqual(dead.values.map((d) => [d.position, d.reason]), [['payments.auth/0@0', 'amount is not a number']]);
});

test('pushKafka under badInput \'fail\' fails the job at the message; other sources say what to use', () => {
  const { input } = payments(sources.kafka<Payment>({ ...kafka }), { badInput: 'fail' });
  assert.throws(() => input.pushKafka([{ value: '{oops', offset: 7 }]), /payments: .* at payments\.auth\/0@7 \(bad input policy is 'fail'/);
  const file = payments(sources.jsonl<Payment>('p.jsonl'));
  assert.throws(() => file.input.pushKafka([{ value: '{}' }]), /pushKafka: source 'payments' is not a sources\.kafka source; use pushLines/);
});
