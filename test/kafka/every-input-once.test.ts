// Random malformed messages through sources.kafka on the real broker: JSON records with every kind of
// bad timestamp, invalid UTF-8, garbage, tombstones. Every message comes out exactly once, as a
// window result, a late record or a dead letter at topic/partition@offset; with and without a
// timestamp assigner (without, the broker's record timestamps are the event time).
import { test } from 'node:test';
import fc from 'fast-check';
import { StreamEnvironment, WatermarkStrategy, sources } from 'eddy';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { type Rec, SEED, assertEachOnce, countingJob, jsonLine, strategy } from '../connectors/input-accounting.ts';
import { brokers, createTopic, uniqueName } from './kafka-test-env.ts';

const PARTITIONS = 2;
const message = (id: number) => fc.oneof({ weight: 9, arbitrary: jsonLine(id) }, { weight: 1, arbitrary: fc.constant(null) });
const messages = fc.integer({ min: 5, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => message(i))));

test('sources.kafka on the broker: every message once, as a result, a late record or a dead letter', async () => {
  const counts = { results: 0, late: 0, dead: 0 };
  await fc.assert(fc.asyncProperty(messages, fc.boolean(), fc.constantFrom(1, 5, 1024), async (values, assigner, batchSize) => {
    const topic = uniqueName('once');
    await createTopic(topic, PARTITIONS);
    const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 2 });
    try {
      // Message i goes to partition i % 2, so its offset there is floor(i / 2); record timestamps 0, 10, 20, ...
      values.forEach((v, i) => p.produce(topic, i % PARTITIONS, v, null, i * 10, undefined));
      await p.flush();
    } finally {
      await p.close();
    }
    const env = StreamEnvironment.create({ batchSize, log: () => {} });
    const s = assigner ? strategy() : WatermarkStrategy.forBoundedOutOfOrderness<Rec>(50);
    const job = countingJob(env, sources.kafka<Rec>({ brokers: brokers(), topics: [topic], groupId: uniqueName('g'), stopAtEnd: true }), s);
    await env.execute();
    const n = assertEachOnce(job.sinks(), values.map((_, i) => i), (pos) => {
      const [, partition, offset] = /\/(\d+)@(\d+)$/.exec(pos)!.map(Number);
      return offset * PARTITIONS + partition;
    }, topic);
    counts.results += n.results;
    counts.late += n.late;
    counts.dead += n.dead;
  }), { seed: SEED, numRuns: 5, interruptAfterTimeLimit: 90_000 });
  console.log(`# kafka: ${counts.results} results, ${counts.late} late, ${counts.dead} dead letters`);
});
