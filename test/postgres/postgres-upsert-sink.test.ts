import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks } from 'eddy';
import { databaseUrl, testPool, uniqueName } from './pg-test-db.ts';

interface Row { k: number; v: string; n: number | null }

const pool = testPool();
const dir = mkdtempSync(join(tmpdir(), 'eddy-pg-upsert-'));
const tables: string[] = [];
before(() => databaseUrl());
after(async () => {
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}`);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

async function table(): Promise<string> {
  const t = uniqueName('upsert');
  tables.push(t);
  await pool.query(`CREATE TABLE ${t} (k bigint PRIMARY KEY, v text NOT NULL, n integer)`);
  return t;
}

async function contents(t: string): Promise<Row[]> {
  const { rows } = await pool.query<{ k: string; v: string; n: number | null }>(`SELECT k, v, n FROM ${t} ORDER BY k`);
  return rows.map((r) => ({ k: Number(r.k), v: r.v, n: r.n }));
}

function runJob(t: string, rows: Row[], options: { checkpoints?: boolean; batchRows?: number } = {}) {
  const env = StreamEnvironment.create({
    batchSize: 7,
    ...(options.checkpoints ? { checkpoints: { dir: join(dir, t), intervalMs: 1 }, restore: { from: 'fresh' } } : {}),
  });
  env.fromCollection(rows, WatermarkStrategy.noWatermarks<Row>(), 'rows')
    .sinkTo(sinks.postgresUpsert<Row>({ url: databaseUrl(), table: t, key: ['k'], columns: ['k', 'v', 'n'], batchRows: options.batchRows ?? 10 }));
  return env.execute('upsert');
}

const input: Row[] = Array.from({ length: 200 }, (_, i) => ({ k: i % 37, v: `v${i}`, n: i % 5 === 0 ? null : i }));
/** What the table must hold: the last row per key. */
const expected = [...new Map(input.map((r) => [r.k, r])).values()].sort((a, b) => a.k - b.k);

test('upserts by key: the last value per key wins, duplicates in one batch included', async () => {
  const t = await table();
  await runJob(t, input, { batchRows: 50 });
  assert.deepEqual(await contents(t), expected);
});

test('idempotent under replay: running the same input again (a restart replaying it) leaves the same table', async () => {
  const t = await table();
  await runJob(t, input.slice(0, 120));
  await runJob(t, input, { checkpoints: true }); // replays the first 120 and goes on
  await runJob(t, input.slice(60), { checkpoints: true }); // a replay of a suffix
  assert.deepEqual(await contents(t), expected);
});

test('declares itself idempotent and says what is wrong with a table it cannot write', async () => {
  const t = await table();
  const sink = sinks.postgresUpsert<Row>({ url: databaseUrl(), table: t, key: ['k'], columns: ['k', 'v', 'n'] });
  assert.equal(sink.idempotent, true);
  assert.throws(() => sinks.postgresUpsert({ url: databaseUrl(), table: t, columns: ['k'] }), /key must name the primary-key columns/);
  assert.throws(() => sinks.postgresUpsert({ url: databaseUrl(), table: t, key: ['id'], columns: ['k'] }), /key column 'id' is not in columns/);
  const env = StreamEnvironment.create();
  env.fromCollection([{ k: 1, v: 'x', n: 1 }]).sinkTo(sinks.postgresUpsert({ url: databaseUrl(), table: t, key: ['k'], columns: ['k', 'nope'] }));
  await assert.rejects(env.execute('bad-column'), new RegExp(`table '${t}' has no column 'nope'; it has k, v, n`));
  const env2 = StreamEnvironment.create();
  env2.fromCollection([{ k: 1, v: null, n: 1 }]).sinkTo(sinks.postgresUpsert({ url: databaseUrl(), table: t, key: ['k'], columns: ['k', 'v', 'n'] }));
  await assert.rejects(env2.execute('null-violation'), new RegExp(`writing 1 rows to '${t}' failed: null value in column "v"`));
});

test("values are bind parameters: quotes and semicolons arrive as text", async () => {
  const t = await table();
  const nasty = [{ k: 1, v: "'); DROP TABLE x; --", n: 1 }, { k: 2, v: 'a"b\\c', n: 2 }];
  await runJob(t, nasty);
  assert.deepEqual(await contents(t), nasty);
});
