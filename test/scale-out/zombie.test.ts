import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, createTopic, readTopic, uniqueName, values } from '../kafka/kafka-test-env.ts';
import { Instance, killAllInstances } from './instance.ts';

interface Out { id: number; k: string; n: number; pid: number }

const PARTITIONS = 4;
const KEYS = 40;
const PER_WAVE = 400;

after(killAllInstances);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('zombie: an instance paused (SIGSTOP) past its session timeout loses its partitions and, resumed, neither checkpoints nor commits over the new owner; output equals the oracle', { timeout: 180_000 }, async () => {
  const input = uniqueName('zo-in');
  const output = uniqueName('zo-out');
  await createTopic(input, PARTITIONS);
  await createTopic(output, 2);
  const args = [brokers(), input, output, join(mkdtempSync(join(tmpdir(), 'eddy-zombie-')), 'state'), uniqueName('zo-group')];
  const a = new Instance('A', args);
  await a.waitFor(() => a.log.assigned.length > 0, 30_000, 'partition assignment');
  let stop = false;
  const producer = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 5 });
  let n = 0;
  const producing = (async () => {
    while (!stop) {
      for (let j = 0; j < PER_WAVE; j++, n++) {
        const key = n % KEYS;
        producer.produce(input, key % PARTITIONS, Buffer.from(JSON.stringify({ id: n, k: `k${key}` })), `k${key}`, null, undefined);
      }
      await producer.flush();
      await sleep(300);
    }
  })();
  const b = new Instance('B', args);
  await b.waitFor(() => b.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(1500);
  const assignedBefore = a.log.assigned.length;
  b.child.kill('SIGSTOP'); // B stops heartbeating; after 6 s the group gives its partitions to A
  await a.waitFor(() => a.log.assigned.length > assignedBefore, 30_000, 'reassignment of the paused instance\'s partitions');
  await sleep(1000);
  b.child.kill('SIGCONT'); // B resumes with tasks it no longer owns
  await sleep(4000);
  stop = true;
  await producing;
  await producer.close();
  const N = n;
  let out: Out[] = [];
  const end = Date.now() + 60_000;
  while (out.length < N && Date.now() < end) out = values<Out>(await readTopic(output, { expected: N, timeoutMs: 3000, settleMs: 200 }));
  await Promise.all([a.leave(30_000), b.leave(30_000)]);
  out = values<Out>(await readTopic(output, { expected: N, timeoutMs: 20_000, settleMs: 1500 }));
  process.stdout.write(`# zombie: A assigned ${JSON.stringify(a.log.assigned)}; B assigned ${JSON.stringify(b.log.assigned)}; B stopped tasks: ${
    (b.stdout.match(/another instance owns/g) ?? []).length}, B lost: ${(b.stdout.match(/lost partitions/g) ?? []).length}\n`);

  const ids = out.map((o) => o.id).sort((x, y) => x - y);
  const dupes = ids.filter((id, i) => i > 0 && ids[i - 1] === id);
  assert.equal(dupes.length, 0, `duplicated records, e.g. ${dupes.slice(0, 5).join(',')}`);
  assert.equal(ids.length, N, `records lost: ${N - ids.length}`);
  const byKey = new Map<string, Out[]>();
  for (const o of out) byKey.set(o.k, [...(byKey.get(o.k) ?? []), o]);
  for (const [k, os] of byKey) {
    os.sort((x, y) => x.id - y.id);
    assert.deepEqual(os.map((o) => o.n), os.map((_, i) => i + 1), `running counts of key ${k}`);
  }
});
