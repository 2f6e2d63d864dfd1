// Scale-out across machines that share nothing but Kafka and an object store: each instance has a
// local directory of its own, and the partition tasks checkpoint to s3:// (the real s3proxy). One
// instance joins, one is SIGKILLed and replaced by a new one with a new, empty local directory;
// partitions move with their state through the object store, and the read_committed output is
// every input record exactly once, with each key's running count unbroken.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokers, createTopic, uniqueName } from '../kafka/kafka-test-env.ts';
import { createBucket, listKeys, s3Environment } from '../object-store/s3-test-env.ts';
import { Instance, killAllInstances } from './instance.ts';
import { KEYS, OutputReader, type Out, PARTITIONS, produceWaves, sleep } from './waves.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-scale-out-s3-'));
after(() => {
  killAllInstances();
  rmSync(root, { recursive: true, force: true });
});

test('scale-out over s3://: instances with separate local directories join and die; output is exactly-once, state moves through the object store', { timeout: 180_000 }, async () => {
  Object.assign(process.env, s3Environment()); // the instances reach the object store through these
  const input = uniqueName('so3-in');
  const output = uniqueName('so3-out');
  await createTopic(input, PARTITIONS);
  await createTopic(output, 3);
  const bucket = await createBucket('eddy-scale-out');
  const group = uniqueName('so3-group');
  const args = (name: string) => [brokers(), input, output, `s3://${bucket}/state`, group, join(root, name)];
  const reader = new OutputReader(output);
  await reader.start();
  after(() => reader.stop());

  const a = new Instance('A', args('A'));
  await a.waitFor(() => a.log.assigned.length > 0, 30_000, 'partition assignment');
  const producing = produceWaves(input, 400);
  await sleep(2000);
  const b = new Instance('B', args('B'));
  await b.waitFor(() => b.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(2500);
  await b.kill(); // its partitions move after the session timeout, from their last checkpoints in the bucket
  const b2 = new Instance('B2', args('B2'));
  await b2.waitFor(() => b2.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(3000);
  producing.stop();
  const n = await producing.done;
  await reader.until(n, 60_000);
  await sleep(1500); // anything duplicated would arrive now
  await Promise.all([a.leave(30_000), b2.leave(30_000)]);
  await reader.stop();

  const instances = [a, b, b2];
  const story = instances.map((i) => `${i.name}: assigned ${JSON.stringify(i.log.assigned)} restored ${i.log.restores.length}`).join('; ');
  process.stdout.write(`# scale-out over s3: ${story}\n`);
  for (const i of instances) assert.deepEqual(i.log.taskFailures, [], `instance ${i.name}: tasks failed`);
  assert.ok(instances.reduce((k, i) => k + i.log.restores.length, 0) >= PARTITIONS / 2, `partitions did not move with their state: ${story}`);
  const keys = await listKeys(bucket, 'state');
  assert.ok(keys.some((k) => /^counts\/.+-\d+\/chk-\d+\/MANIFEST\.json$/.test(k)), `no task checkpoint in the bucket: ${keys.slice(0, 10).join(', ')}`);
  assert.ok(keys.some((k) => /\/OWNER$/.test(k)), 'task ownership is recorded in the bucket');

  const out: Out[] = reader.out;
  const ids = out.map((o) => o.id).sort((x, y) => x - y);
  const dupes = ids.filter((id, i) => i > 0 && ids[i - 1] === id);
  assert.equal(dupes.length, 0, `duplicated records in read_committed output, e.g. ${dupes.slice(0, 5).join(',')}`);
  assert.equal(ids.length, n, `records lost: ${n - ids.length}; ${story}`);
  const byKey = new Map<string, Out[]>();
  for (const o of out) byKey.set(o.k, [...(byKey.get(o.k) ?? []), o]);
  assert.equal(byKey.size, KEYS);
  for (const [k, os] of byKey) {
    os.sort((x, y) => x.id - y.id);
    assert.deepEqual(os.map((o) => o.n), os.map((_, i) => i + 1), `running counts of key ${k}`);
  }
  const pids = new Set(out.map((o) => o.pid));
  for (const i of instances) assert.ok(pids.has(i.child.pid!), `no output from instance ${i.name}`);
});
