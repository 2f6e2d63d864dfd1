import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, createTopic, uniqueName } from './kafka-test-env.ts';

interface Ev { id: number; ts: number }

/**
 * Runs an unbounded job over a 2-partition topic while a producer writes to partition 0 only;
 * returns how many windows fired within `ms`.
 */
async function windowsFired(caughtUpIdleMs: number, ms: number): Promise<number> {
  const topic = uniqueName('idle-in');
  await createTopic(topic, 2);
  const env = StreamEnvironment.create({ log: () => {} });
  const out = sinks.collect<{ start: number; value: number }>();
  env.fromSource(sources.kafka<Ev>({ brokers: brokers(), topics: [topic], groupId: uniqueName('g'), caughtUpIdleMs }),
    WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'in')
    .keyBy(() => 'all').window(TumblingEventTimeWindows.of(1000)).count().sinkTo(out);
  const job = env.executeAsync('idle');
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'linger.ms': 0 });
  const started = Date.now();
  let id = 0;
  try {
    while (Date.now() - started < ms) {
      // 10 records of event time per 20 ms of wall time: a 1 s window every 200 ms.
      for (let i = 0; i < 10; i++, id++) p.produce(topic, 0, Buffer.from(JSON.stringify({ id, ts: id * 10 })), null, null, undefined);
      await p.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await p.close();
    job.cancel();
    await job.result;
  }
  return out.values.length;
}

test('an idle (empty) partition does not stall windows: caught-up partitions count as idle', { timeout: 60_000 }, async () => {
  const fired = await windowsFired(200, 4000);
  assert.ok(fired >= 5, `only ${fired} windows fired while partition 1 stayed empty`);
});

test('control: without caught-up idleness the empty partition holds event time back and no window fires', { timeout: 60_000 }, async () => {
  const fired = await windowsFired(1e9, 3000);
  assert.equal(fired, 0);
});
