import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_LETTERS, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, type DeadLetter } from 'eddy';
import { brokers, createTopic, produce, readTopic, uniqueName, values } from './kafka-test-env.ts';

interface Ev { id: number; k: string; ts: number }

test('round trip: Kafka -> map -> Kafka (at-least-once), bad records to dead letters with topic/partition@offset', async () => {
  const input = uniqueName('rt-in');
  const output = uniqueName('rt-out');
  await createTopic(input, 3);
  await createTopic(output, 2);
  const records: [number, string, unknown][] = [];
  for (let i = 0; i < 3000; i++) records.push([i % 3, `k${i % 7}`, { id: i, k: `k${i % 7}`, ts: i }]);
  records.splice(100, 0, [1, 'bad', '{not json']);
  await produce(input, records);

  const env = StreamEnvironment.create({ log: () => {} });
  const src = env.fromSource(sources.kafka<Ev>({ brokers: brokers(), topics: [input], groupId: uniqueName('g'), stopAtEnd: true }),
    WatermarkStrategy.noWatermarks<Ev>(), 'in');
  src.map((e) => ({ ...e, doubled: e.id * 2 })).sinkTo(sinks.kafka({ brokers: brokers(), topic: output, key: (e) => e.k, guarantee: 'at-least-once' }));
  const dead = sinks.collect<DeadLetter>();
  src.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  const result = await env.execute('round-trip');
  assert.equal(result.metrics.recordsIn, 3000);

  const out = values<Ev & { doubled: number }>(await readTopic(output, { expected: 3000 }));
  assert.equal(out.length, 3000);
  assert.deepEqual(out.map((e) => e.id).sort((a, b) => a - b), records.filter((r) => r[1] !== 'bad').map((r) => (r[2] as Ev).id));
  assert.ok(out.every((e) => e.doubled === e.id * 2));
  assert.equal(dead.values.length, 1);
  // Record 100 went to partition 1, after the 33 records of partition 1 before it (ids 1, 4, ..., 97).
  assert.equal(dead.values[0].position, `${input}/1@33`);
  assert.match(dead.values[0].reason, /JSON/);
  assert.equal(dead.values[0].raw, '{not json');
});

test('each partition has its own watermark: a partition read entirely before another makes nothing late', async () => {
  const input = uniqueName('wm-in');
  await createTopic(input, 2);
  // Both partitions cover event time 0..20s; the reader takes whole fetches of one partition at a time.
  const records: [number, string, unknown][] = [];
  for (let i = 0; i < 4000; i++) records.push([i < 2000 ? 0 : 1, 'k', { id: i, k: `k${i % 3}`, ts: (i % 2000) * 10 }]);
  await produce(input, records);
  const env = StreamEnvironment.create({ log: () => {}, batchSize: 100 });
  const counts = sinks.collect<{ key: string; start: number; value: number }>();
  env.fromSource(sources.kafka<Ev>({ brokers: brokers(), topics: [input], groupId: uniqueName('g'), stopAtEnd: true }),
    WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'in')
    .keyBy((e) => e.k).window(TumblingEventTimeWindows.of(1000)).count().sinkTo(counts);
  const result = await env.execute('per-partition-watermarks');
  assert.equal(result.metrics.lateDropped, 0);
  const total = counts.values.reduce((s, r) => s + r.value, 0);
  assert.equal(total, 4000);
  // 20 windows of 1 s per key, 3 keys.
  assert.equal(counts.values.length, 60);
});

test('start positions: latest reads only new records, a timestamp skips older ones, committed resumes after a checkpointed run', async () => {
  const input = uniqueName('start-in');
  await createTopic(input, 1);
  await produce(input, [[0, null, { id: 1, k: 'a', ts: 1 }], [0, null, { id: 2, k: 'a', ts: 2 }]]);
  const run = async (startFrom: 'earliest' | 'latest' | 'committed' | { timestamp: number }, groupId: string, checkpointDir?: string) => {
    const env = StreamEnvironment.create({ log: () => {}, ...(checkpointDir ? { checkpoints: { dir: checkpointDir, intervalMs: 60_000 } } : {}) });
    const out = sinks.collect<Ev>();
    env.fromSource(sources.kafka<Ev>({ brokers: brokers(), topics: [input], groupId, startFrom, stopAtEnd: true }), WatermarkStrategy.noWatermarks<Ev>(), 'in').sinkTo(out);
    await env.execute('start');
    return out.values.map((e) => e.id);
  };
  assert.deepEqual(await run('earliest', uniqueName('g')), [1, 2]);
  assert.deepEqual(await run('latest', uniqueName('g')), []);
  await new Promise((r) => setTimeout(r, 50));
  const t = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  await produce(input, [[0, null, { id: 3, k: 'a', ts: 3 }]]);
  assert.deepEqual(await run({ timestamp: t }, uniqueName('g')), [3]);
  const group = uniqueName('g');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  // A checkpointed run commits its offsets to the group when its (final) checkpoint completes.
  assert.deepEqual(await run('earliest', group, join(mkdtempSync(join(tmpdir(), 'eddy-kafka-')), 'ckpt')), [1, 2, 3]);
  await produce(input, [[0, null, { id: 4, k: 'a', ts: 4 }]]);
  // Give the asynchronous group commit a moment.
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await run('committed', group), [4]);
});

test('consumer lag per partition: end offset minus position, as the reader reads', async () => {
  const input = uniqueName('lag-in');
  await createTopic(input, 2);
  await produce(input, Array.from({ length: 10 }, (_, i): [number, string | null, unknown] => [0, null, { id: i, k: 'a', ts: i }]));
  const { systemClock } = await import('../../src/time/clock.ts');
  const reader = sources.kafka<Ev>({ brokers: brokers(), topics: [input], groupId: uniqueName('g') })
    .createReader({ operatorName: 'in', clock: systemClock, batchSize: 4, badInput: 'dead-letter' });
  await reader.open();
  try {
    const batch = { split: 0, values: [] as Ev[], times: [] as number[], length: 0, deadLetters: [] };
    let read = 0;
    for (let i = 0; i < 50 && read < 4; i++) {
      if ((await reader.read(batch)) === 'data' && batch.split === 0) read += batch.length;
    }
    assert.equal(read, 4);
    assert.equal(reader.splitName(0), `${input}/0`);
    assert.equal(reader.splitLag?.(0), 6);
    assert.equal(reader.splitLag?.(1), 0);
    assert.deepEqual(reader.position(), { [`${input}:0`]: 4, [`${input}:1`]: 0 });
  } finally {
    await reader.close();
  }
});
