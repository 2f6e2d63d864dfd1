// Exactly-once into PostgreSQL under process death: the job of fixtures/postgres-crash-job.ts
// (asyncMap in the middle, two sinks.postgres exactly-once sinks with plain INSERTs) runs in a
// child process, is SIGKILLed at chosen points of the two-phase commit (after PREPARE, between
// the durable manifest and COMMIT PREPARED, between the two sinks' commits, during recovery,
// mid-batch, at random times), restarted from its newest checkpoint, until a run completes. The
// tables must then equal those of a run never killed; after every kill, what is visible must be
// part of that (no duplicate, nothing uncommitted), and no prepared transaction may be left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, preparedGids, rollbackPrepared, testPool, uniqueName } from '../postgres/pg-test-db.ts';
import { prng, writeCrashInput } from './crash-input.ts';
import { describePgPlan, killAllPgJobs, type PgJobArgs, type PgKillPlan, runPgJob } from './postgres-job-process.ts';

const SEED = Number(process.env.EDDY_CRASH_SEED ?? 20_251_121);
const PER_SOURCE = 2_500;
const RUN_TIMEOUT_MS = 30_000;

const root = mkdtempSync(join(tmpdir(), 'eddy-pg-crash-'));
const input = join(root, 'input');
const pool = testPool();
const tables: string[] = [];
/** The oracle: event ids, and sums rows as sorted strings. */
let expectedIds: string[];
let expectedSums: string[];

after(async () => {
  killAllPgJobs();
  for (const t of tables) {
    await rollbackPrepared(pool, `eddy:${t}:`);
    await pool.query(`DROP TABLE IF EXISTS ${t}`);
  }
  await pool.end();
  rmSync(root, { recursive: true, force: true });
});

before(() => {
  databaseUrl();
  writeCrashInput(input, { seed: SEED, perSource: { a: PER_SOURCE, b: PER_SOURCE }, files: { a: 2, b: 1 }, spanMs: 200_000 });
  expectedIds = ['a', 'b'].flatMap((s) => readdirSync(join(input, s)).flatMap((f) => readFileSync(join(input, s, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id))).sort();
});

async function freshTables(tag: string): Promise<{ events: string; sums: string }> {
  const events = uniqueName(`crash_ev_${tag}`);
  const sums = uniqueName(`crash_sum_${tag}`);
  tables.push(events, sums);
  await pool.query(`CREATE TABLE ${events} (id text NOT NULL, u text NOT NULL, v2 integer NOT NULL)`);
  await pool.query(`CREATE TABLE ${sums} (key text NOT NULL, start bigint NOT NULL, value integer NOT NULL)`);
  return { events, sums };
}

async function visible(t: { events: string; sums: string }): Promise<{ ids: string[]; sums: string[] }> {
  const ids = (await pool.query<{ id: string }>(`SELECT id FROM ${t.events}`)).rows.map((r) => r.id);
  const sums = (await pool.query<{ row: string }>(`SELECT key || '|' || start || '|' || value AS row FROM ${t.sums}`)).rows.map((r) => r.row);
  return { ids: byteSort(ids), sums: byteSort(sums) };
}

/** `part` is a sub-multiset of `whole` (both sorted): nothing duplicated, nothing made up. */
function isSubMultiset(part: string[], whole: string[]): boolean {
  const count = new Map<string, number>();
  for (const w of whole) count.set(w, (count.get(w) ?? 0) + 1);
  for (const p of part) {
    const c = count.get(p) ?? 0;
    if (c === 0) return false;
    count.set(p, c - 1);
  }
  return true;
}

const byteSort = (xs: string[]) => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

function args(dir: string, t: { events: string; sums: string }, restore: PgJobArgs['restore']): PgJobArgs {
  return { input, ckpt: join(dir, 'ckpt'), events: t.events, sums: t.sums, restore, batch: 32, intervalMs: 10 };
}

test('oracle: a run without kills writes every event once', async () => {
  const t = await freshTables('oracle');
  const exit = await runPgJob(args(join(root, 'oracle'), t, 'fresh'), { kind: 'none' }, RUN_TIMEOUT_MS);
  assert.equal(exit.done?.recordsIn, 2 * PER_SOURCE);
  assert.ok((exit.done?.checkpoints ?? 0) >= 3, `several checkpoints (${exit.done?.checkpoints})`);
  const v = await visible(t);
  assert.deepEqual(v.ids, byteSort(expectedIds));
  expectedSums = v.sums;
  oracleMs = exit.ms;
  assert.ok(expectedSums.length > 100);
  assert.deepEqual(await preparedGids(pool, `eddy:${t.events}:`), []);
});

/** How long a whole uninterrupted run took on this machine (the oracle run), for timed kills. */
let oracleMs = 0;

function trials(seed: number): PgKillPlan[][] {
  const rnd = prng(seed);
  const at = (point: string): PgKillPlan => ({ kind: 'freeze', at: point, after: 200 + Math.floor(rnd() * (PER_SOURCE - 600)) });
  const only = (point: string): PgKillPlan => ({ kind: 'freeze', at: point });
  // Timed kills within a run as long as the oracle's, so that they land on a fast machine too
  // (a fixed 500-1,500 ms outlived the whole run on a quiet one).
  const delay = (): PgKillPlan => ({ kind: 'delay', ms: Math.floor(oracleMs * (0.4 + 0.4 * rnd())) });
  return [
    [at('after-precommit'), at('before-commit')],
    [at('before-commit'), only('mid-recover'), at('mid-commit')],
    [at('mid-precommit'), only('after-recover'), only('final-before-commit')],
    [at('record'), at('before-commit'), only('final-after-precommit')],
    [delay(), delay(), delay()],
    [at('mid-commit'), delay(), at('record')],
  ];
}

test('SIGKILL at points of the two-phase commit, restart, the tables equal the oracle', async (t) => {
  assert.ok(expectedSums !== undefined, 'the oracle test ran first');
  const lines: string[] = [];
  let kills = 0;
  for (const [i, plans] of trials(SEED).entries()) {
    const tb = await freshTables(`t${i}`);
    const dir = join(root, `trial-${i}`);
    let restore: PgJobArgs['restore'] = 'fresh';
    let finished = false;
    for (const plan of plans) {
      const exit = await runPgJob(args(dir, tb, restore), plan, RUN_TIMEOUT_MS);
      restore = 'latest';
      if (!exit.killed) {
        lines.push(`trial ${i}: ${describePgPlan(plan)} -> not reached, the run finished`);
        finished = true;
        break;
      }
      kills++;
      lines.push(`trial ${i}: ${describePgPlan(plan)} -> killed at ${exit.cause} (${exit.ms} ms)`);
      const v = await visible(tb);
      assert.ok(isSubMultiset(v.ids, byteSort(expectedIds)), `trial ${i} after ${describePgPlan(plan)}: events visible are duplicated or unknown`);
      assert.ok(isSubMultiset(v.sums, expectedSums), `trial ${i} after ${describePgPlan(plan)}: sums visible are duplicated or wrong`);
    }
    if (!finished) {
      const exit = await runPgJob(args(dir, tb, restore), { kind: 'none' }, RUN_TIMEOUT_MS);
      assert.ok(exit.done !== null);
    }
    const v = await visible(tb);
    assert.deepEqual(v.ids, byteSort(expectedIds), `trial ${i}: every event exactly once`);
    assert.deepEqual(v.sums, expectedSums, `trial ${i}: the sums equal the oracle's`);
    assert.deepEqual([...await preparedGids(pool, `eddy:${tb.events}:`), ...await preparedGids(pool, `eddy:${tb.sums}:`)], [], `trial ${i}: no prepared transaction left`);
  }
  lines.push(`${kills} kills`);
  t.diagnostic(lines.join('\n'));
  assert.ok(kills >= 12, `at least 12 kill points reached (${kills})`);
});
