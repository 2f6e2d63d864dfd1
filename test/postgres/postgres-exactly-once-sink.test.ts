import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, type SinkWriter } from 'eddy';
import { checkpointOf, gidFor, gidPrefix, quoteGid } from '../../src/connectors/postgres/postgres-gid.ts';
import { databaseUrl, preparedGids, rollbackPrepared, testPool, uniqueName } from './pg-test-db.ts';

interface Ev { id: number; name: string }

const pool = testPool();
const dir = mkdtempSync(join(tmpdir(), 'eddy-pg-2pc-'));
const tables: string[] = [];
const prefixes: string[] = [];
before(() => databaseUrl());
after(async () => {
  for (const p of prefixes) await rollbackPrepared(pool, p);
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}`);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

async function table(): Promise<string> {
  const t = uniqueName('eo');
  tables.push(t);
  prefixes.push(`eddy:${t}:`);
  await pool.query(`CREATE TABLE ${t} (id integer NOT NULL, name text)`);
  return t;
}

async function ids(t: string): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM ${t} ORDER BY id`);
  return rows.map((r) => r.id);
}

function writer(t: string): SinkWriter<Ev> {
  return sinks.postgres<Ev>({ url: databaseUrl(), table: t, columns: ['id', 'name'] }).createWriter({ operatorName: 'out', guarantee: 'exactly-once' });
}

const evs = (from: number, to: number): Ev[] => Array.from({ length: to - from }, (_, i) => ({ id: from + i, name: `n${from + i}` }));
const write = (w: SinkWriter<Ev>, rows: Ev[]) => w.write(rows, rows.map(() => 0), rows.length);

test('GIDs: built from a validated prefix and the checkpoint id, quoted only when safe', () => {
  assert.equal(gidPrefix('orders', 'postgres-sink#4'), 'eddy:orders:postgres-sink_4');
  assert.equal(gidPrefix('public.orders', "x'; DROP TABLE y; --"), 'eddy:public.orders:x___DROP_TABLE_y__--');
  assert.throws(() => gidPrefix('t', 'op', "bad'prefix"), /gidPrefix 'bad'prefix' must be/);
  assert.throws(() => gidPrefix('t', 'op', 'x'.repeat(151)), /must be 1-150 characters/);
  assert.equal(gidFor('eddy:t:s', 12), 'eddy:t:s:12');
  assert.throws(() => gidFor('eddy:t:s', 1.5), /bad checkpoint id/);
  assert.equal(quoteGid('eddy:t:s:12'), "'eddy:t:s:12'");
  assert.throws(() => quoteGid("a'b"), /refusing/);
  assert.equal(checkpointOf('eddy:t:s', 'eddy:t:s:7'), 7);
  assert.equal(checkpointOf('eddy:t:s', 'eddy:t:s2:7'), null, 'another sink with a longer name is not ours');
  assert.equal(checkpointOf('eddy:t:s', 'eddy:t:s:7:x'), null);
});

test('two-phase commit: rows are invisible while open and while prepared, visible after COMMIT PREPARED', async () => {
  const t = await table();
  const w = writer(t);
  await w.open();
  await w.recover!(null);
  write(w, evs(0, 50));
  await w.flush(); // into the open transaction
  assert.deepEqual(await ids(t), [], 'open transaction: invisible');
  const token = await w.preCommit!(1);
  assert.deepEqual(token, [`eddy:${t}:out:1`]);
  assert.deepEqual(await preparedGids(pool, `eddy:${t}:`), [`eddy:${t}:out:1`]);
  assert.deepEqual(await ids(t), [], 'prepared: still invisible');
  write(w, evs(50, 60)); // the next checkpoint's transaction
  await w.flush();
  await w.commit!(1, token);
  assert.deepEqual(await ids(t), evs(0, 50).map((e) => e.id));
  await w.commit!(1, token); // idempotent
  assert.deepEqual(await w.preCommit!(2), [`eddy:${t}:out:2`]);
  assert.deepEqual(await w.preCommit!(3), [`eddy:${t}:out:2`], 'nothing written since: no new transaction; the token still covers 2');
  await w.commit!(3, [`eddy:${t}:out:2`]);
  assert.equal((await ids(t)).length, 60);
  assert.deepEqual(await preparedGids(pool, `eddy:${t}:`), []);
  await w.close();
});

test('recovery commits what the restored checkpoint names and rolls back this sink\'s other prepared transactions', async () => {
  const t = await table();
  // Another writer's prepared transaction (other prefix) must survive the recovery.
  const other = await pool.connect();
  await other.query('BEGIN');
  await other.query(`INSERT INTO ${t} VALUES (-1, 'other')`);
  await other.query(`PREPARE TRANSACTION 'eddy:${t}:out2:5'`);
  other.release();

  const crashed = writer(t);
  await crashed.open();
  await crashed.recover!(null);
  write(crashed, evs(0, 10));
  const t1 = await crashed.preCommit!(1);
  await crashed.commit!(1, t1);
  write(crashed, evs(10, 20));
  const t2 = await crashed.preCommit!(2); // checkpoint 2 completed, commit lost in the crash
  write(crashed, evs(20, 30));
  await crashed.preCommit!(3); // checkpoint 3 never completed
  write(crashed, evs(30, 40));
  await crashed.flush(); // open transaction, no checkpoint
  await crashed.close(); // the process died: prepared ones stay, the open one is gone

  assert.deepEqual(await preparedGids(pool, `eddy:${t}:`), [`eddy:${t}:out2:5`, `eddy:${t}:out:2`, `eddy:${t}:out:3`]);
  const restarted = writer(t);
  await restarted.open();
  await restarted.recover!(t2); // restored from checkpoint 2
  assert.deepEqual(await ids(t), evs(0, 20).map((e) => e.id), '1 and 2 committed, 3 and the open one gone');
  assert.deepEqual(await preparedGids(pool, `eddy:${t}:`), [`eddy:${t}:out2:5`], 'the other sink\'s transaction is untouched');
  // A second recovery from the same checkpoint (a crash during recovery) changes nothing.
  await restarted.recover!(t2);
  assert.deepEqual(await ids(t), evs(0, 20).map((e) => e.id));
  await restarted.close();
  await pool.query(`ROLLBACK PREPARED 'eddy:${t}:out2:5'`);
});

test('a job with exactly-once checkpoints writes every record once; without checkpoints it refuses', async () => {
  const t = await table();
  const env = StreamEnvironment.create({ batchSize: 16, checkpoints: { dir: join(dir, t), intervalMs: 1 }, restore: { from: 'fresh' } });
  env.fromCollection(evs(0, 500), WatermarkStrategy.noWatermarks<Ev>(), 'evs')
    .sinkTo(sinks.postgres<Ev>({ url: databaseUrl(), table: t, columns: ['id', 'name'], batchRows: 40 })).name('pg-out');
  const result = await env.execute('eo-job');
  assert.ok(result.checkpoints.filter((c) => c.status === 'completed').length >= 2, 'several checkpoints, so several transactions');
  assert.deepEqual(await ids(t), evs(0, 500).map((e) => e.id));
  assert.deepEqual(await preparedGids(pool, `eddy:${t}:`), []);

  const plain = StreamEnvironment.create();
  plain.fromCollection(evs(0, 1)).sinkTo(sinks.postgres<Ev>({ url: databaseUrl(), table: t, columns: ['id', 'name'] }));
  await assert.rejects(plain.execute('no-checkpoints'), /guarantee 'exactly-once' needs a job with exactly-once checkpoints/);
});

test("guarantee 'at-least-once' writes autocommit batches without checkpoints", async () => {
  const t = await table();
  const env = StreamEnvironment.create();
  env.fromCollection(evs(0, 30)).sinkTo(sinks.postgres<Ev>({ url: databaseUrl(), table: t, columns: ['id', 'name'], guarantee: 'at-least-once', batchRows: 7 }));
  await env.execute('alo');
  assert.deepEqual(await ids(t), evs(0, 30).map((e) => e.id));
});

test('a lost connection never kills the process: outside a transaction it is replaced, with the open transaction every later write fails clearly', async () => {
  const t = await table();
  const app = `eo_lost_${process.pid}_${Date.now().toString(36)}`;
  const terminate = async (state?: string) => {
    const { rows } = await pool.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)', [app, state ?? null]);
    return rows.length;
  };
  const w = sinks.postgres<Ev>({ url: `${databaseUrl()}?application_name=${app}`, table: t, columns: ['id', 'name'] }).createWriter({ operatorName: 'out', guarantee: 'exactly-once' });
  await w.open();
  await w.recover!(null);
  write(w, evs(0, 10));
  const t1 = await w.preCommit!(1); // prepared; no transaction open
  assert.ok(await terminate() >= 1, 'the sink\'s connections were terminated');
  await new Promise((r) => setTimeout(r, 200)); // the 'error' events arrive (unhandled, they ended the process)
  await w.commit!(1, t1); // the control connection is replaced
  write(w, evs(10, 20));
  await w.flush(); // so is the data connection: no transaction was open on it
  assert.deepEqual(await ids(t), evs(0, 10).map((e) => e.id));
  assert.equal(await terminate('idle in transaction'), 1, 'the data connection, inside the open transaction');
  await new Promise((r) => setTimeout(r, 200));
  write(w, evs(20, 30));
  await assert.rejects(w.flush(), /the connection holding the open transaction was lost \(terminating connection due to administrator command\); its rows are gone, so the job fails and restarts from its latest checkpoint/);
  await assert.rejects(w.preCommit!(2), /the connection holding the open transaction was lost/);
  await w.close();
  assert.deepEqual(await ids(t), evs(0, 10).map((e) => e.id), 'nothing of the lost transaction is visible');
});
