import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokers, createTopic, uniqueName } from '../kafka/kafka-test-env.ts';
import { Instance, killAllInstances } from './instance.ts';
import { KEYS, OutputReader, type Out, PARTITIONS, produceWaves, record, sleep } from './waves.ts';

after(killAllInstances);

test('rebalance: three instances join and leave (SIGTERM, SIGKILL + restart) during a run; read_committed output equals the oracle', { timeout: 180_000 }, async () => {
  const b = brokers();
  const input = uniqueName('so-in');
  const output = uniqueName('so-out');
  await createTopic(input, PARTITIONS);
  await createTopic(output, 3);
  const stateDir = join(mkdtempSync(join(tmpdir(), 'eddy-scale-out-')), 'state');
  const args = [b, input, output, stateDir, uniqueName('so-group')];
  const reader = new OutputReader(output);
  await reader.start();
  // A failure below must not leave the reader's consumer holding the test process open.
  after(() => reader.stop());

  const a = new Instance('A', args);
  await a.waitFor(() => a.log.assigned.length > 0, 30_000, 'partition assignment');
  const producing = produceWaves(input, 400);
  await sleep(2000);
  const bInst = new Instance('B', args);
  await bInst.waitFor(() => bInst.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(1500);
  const bAssigned = bInst.timeOf(/assigned partitions/);
  const aHandedOver = a.timeOf(/handing over/, bInst.startedAt);
  const c = new Instance('C', args);
  await c.waitFor(() => c.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(1500);
  const leaveAt = Date.now();
  await bInst.leave(30_000); // leaves: its partitions are handed over at a final checkpoint
  const leftAt = Date.now();
  await sleep(1000);
  const killAt = Date.now();
  await c.kill(); // dies: its partitions move after the session timeout, from their last checkpoints
  await sleep(1000);
  const c2 = new Instance('C2', args);
  await c2.waitFor(() => c2.log.assigned.length > 0, 30_000, 'partition assignment');
  await sleep(3000); // C2 works on input too
  producing.stop();
  const N = await producing.done;
  await reader.until(N, 60_000);
  await sleep(1500); // anything duplicated would arrive now
  await Promise.all([a.leave(30_000), c2.leave(30_000)]);
  await sleep(1000);
  await reader.stop();

  const instances = [a, bInst, c, c2];
  const story = instances.map((i) => `${i.name}: assigned ${JSON.stringify(i.log.assigned)} handed over ${JSON.stringify(i.log.handedOver)} restored ${i.log.restores.length}`).join('; ');
  process.stdout.write(`# rebalance: ${story}\n`);
  const movedAfterKill = Math.min(...[a.timeOf(/assigned partitions/, killAt), c2.timeOf(/assigned partitions/)].filter((t) => !Number.isNaN(t))) - killAt;
  process.stdout.write(`# timings: B start -> B assigned ${bAssigned - bInst.startedAt} ms (A began handing over at +${aHandedOver - bInst.startedAt} ms); ` +
    `B SIGTERM -> exited ${leftAt - leaveAt} ms; C SIGKILL -> first reassignment ${movedAfterKill} ms\n`);
  for (const i of instances) assert.deepEqual(i.log.taskFailures, [], `instance ${i.name}: tasks failed`);
  for (const i of instances) assert.ok(i.log.assigned.length > 0, `instance ${i.name} never got a partition`);
  assert.ok(bInst.log.handedOver.flat().length > 0, 'B left without handing over partitions');
  const restores = instances.reduce((k, i) => k + i.log.restores.length, 0);
  assert.ok(restores >= PARTITIONS, `partitions moved with their state only ${restores} times`);

  // Oracle: every input record exactly once ...
  const out = reader.out;
  const ids = out.map((o) => o.id).sort((x, y) => x - y);
  const dupes = ids.filter((id, i) => i > 0 && ids[i - 1] === id);
  assert.equal(dupes.length, 0, `duplicated records in read_committed output, e.g. ${dupes.slice(0, 5).join(',')}`);
  const seen = new Set(ids);
  const lost = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.has(i));
  const lostBy = new Map<number, number[]>();
  for (const i of lost) lostBy.set(record(i)[0], [...(lostBy.get(record(i)[0]) ?? []), i]);
  const lostText = [...lostBy].map(([p, is]) => `partition ${p}: ${is.length} (ids ${is[0]}..${is[is.length - 1]})`).join(', ');
  assert.equal(ids.length, N, `records lost: ${N - ids.length}: ${lostText}; ${story}`);
  // ... and per key, in input order, the counts 1, 2, 3 ...: state moved with its partition.
  const byKey = new Map<string, Out[]>();
  for (const o of out) byKey.set(o.k, [...(byKey.get(o.k) ?? []), o]);
  assert.equal(byKey.size, KEYS);
  for (const [k, os] of byKey) {
    os.sort((x, y) => x.id - y.id);
    assert.deepEqual(os.map((o) => o.n), os.map((_, i) => i + 1), `running counts of key ${k}`);
  }
  // The work really was shared: output came from every instance.
  const pids = new Set(out.map((o) => o.pid));
  for (const i of instances) assert.ok(pids.has(i.child.pid!), `no output from instance ${i.name} (pid ${i.child.pid})`);
});
