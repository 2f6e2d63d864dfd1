import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaConsumerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, createTopic, produce, readTopic, uniqueName, values } from '../kafka/kafka-test-env.ts';
import { Instance, killAllInstances } from './instance.ts';

interface Out { id: number; k: string; n: number; pid: number }

const JOB = fileURLToPath(new URL('./fixtures/repartition-job.ts', import.meta.url));
const PARTITIONS = 4;
const KEYS = 20;
const N = 6000;

after(killAllInstances);

for (const mode of ['explicit', 'auto'] as const) {
  const how = mode === 'explicit' ? 'kafkaRepartition before the keyBy' : 'a plain keyBy, repartitioned automatically';
  test(`repartition through an internal Kafka topic (${how}): keys spread over every input partition are counted in one place, across a rebalance`, { timeout: 150_000 }, async () => {
  const input = uniqueName('rp-in');
  const output = uniqueName('rp-out');
  // Created by an instance, with the input's partition count.
  const group = uniqueName('rp-group'); // also the job's name
  const repartition = mode === 'explicit' ? `${input}-repartition` : `${group}-in_key-by-repartition`; // <job>-<keyBy node name (in/key-by)>-repartition
  await createTopic(input, PARTITIONS);
  await createTopic(output, 2);
  const args = [brokers(), input, output, join(mkdtempSync(join(tmpdir(), 'eddy-repartition-')), 'state'), group, mode];
  // Record i goes to partition i % 4 whatever its key: every key is in every input partition.
  const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, j): [number, string, unknown] => {
    const i = from + j;
    return [i % PARTITIONS, `k${i % KEYS}`, { id: i, k: `k${i % KEYS}` }];
  });
  const a = new Instance('A', args, JOB);
  await a.waitFor(() => a.log.assigned.length > 0, 30_000, 'partition assignment');
  await produce(input, batch(0, N / 2));
  const b = new Instance('B', args, JOB);
  await b.waitFor(() => b.log.assigned.length > 0, 30_000, 'partition assignment');
  await produce(input, batch(N / 2, N));
  let out: Out[] = [];
  const end = Date.now() + 60_000;
  while (out.length < N && Date.now() < end) out = values<Out>(await readTopic(output, { expected: N, timeoutMs: 3000, settleMs: 200 }));
  await Promise.all([a.leave(30_000), b.leave(30_000)]);
  out = values<Out>(await readTopic(output, { expected: N, timeoutMs: 20_000, settleMs: 1500 }));

  assert.match(a.stdout + b.stdout, new RegExp(`created topic '${repartition}' with ${PARTITIONS} partitions`));
  const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers(), 'group.id': uniqueName('rp-meta') });
  assert.equal((await c.partitions(repartition)).length, PARTITIONS);
  await c.close();
  assert.ok(a.log.handedOver.length > 0, `A never handed a partition to B:\n${a.stdout}`);
  for (const i of [a, b]) assert.deepEqual(i.log.taskFailures, [], `instance ${i.name}: tasks failed`);
  const ids = out.map((o) => o.id).sort((x, y) => x - y);
  assert.deepEqual(ids, Array.from({ length: N }, (_, i) => i), 'read_committed output has each input record exactly once');
  // Each key was counted in one place: its counts are exactly 1..(its number of records).
  const byKey = new Map<string, number[]>();
  for (const o of out) byKey.set(o.k, [...(byKey.get(o.k) ?? []), o.n]);
  assert.equal(byKey.size, KEYS);
  for (const [k, ns] of byKey) {
    ns.sort((x, y) => x - y);
    assert.deepEqual(ns, ns.map((_, i) => i + 1), `counts of key ${k}`);
  }
  assert.ok(new Set(out.map((o) => o.pid)).size === 2, 'both instances produced output');
});
}
