import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultWindow, postgresRestart, terminateBackends } from './fault-scenarios.ts';
import { JobChild } from './job-child.ts';
import { tailTable } from './output-probes.ts';
import type { PostgresServer } from './postgres-server.ts';
import { sinkJobDifferences } from './sink-job-oracle.ts';
import { sleep, waitFor } from './server-process.ts';

/** Which fault hits the exactly-once PostgreSQL sink while it has a transaction open. */
export type PostgresFault = 'restart-immediate' | 'restart-fast' | 'terminate-backend';

/** What the fault did to the job. */
export interface PostgresFaultReport {
  readonly fault: string;
  /** The sink's transactions at the fault: its open one (rows written, not prepared) and those prepared, not yet committed. */
  readonly atFault: { readonly openTransaction: boolean; readonly prepared: readonly string[] };
  /** From the server taking connections again to the sink's first commit (or recovery) after it. */
  readonly recoverMs: number;
  readonly committed: number;
  readonly problems: readonly string[];
  /** This sink's prepared transactions left on the server after the job stopped (must be none). */
  readonly preparedLeft: readonly string[];
  readonly restarts: number;
  readonly log: string;
}

/** Terminates the sink's data connection while it holds an open transaction, then its other connections. */
async function terminateMidTransaction(url: string, applicationName: string): Promise<FaultWindow> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const first = await terminateBackends(url, applicationName, 'idle in transaction');
    if (first.terminated > 0) {
      const rest = await terminateBackends(url, applicationName);
      return { fault: `pg_terminate_backend on the connection in a transaction and ${rest.terminated} more`, startedAt: first.startedAt, listeningAt: rest.backAt, backAt: rest.backAt };
    }
    if (Date.now() > deadline) throw new Error('the sink never held an open transaction long enough to terminate it');
    await sleep(5);
  }
}

/**
 * Runs the fault job (fixtures/sink-job.ts) into a table of `db` with each commit held back a
 * little, waits until its data connection is inside a transaction while an earlier checkpoint's
 * transaction is prepared, hits it with `fault`, waits for rows committed after the server is
 * usable again, stops the job with a savepoint, and compares the table with the oracle.
 *
 * @example
 * const r = await runPostgresFault(db, 'restart-immediate'); assert.deepEqual(r.problems, []);
 */
export async function runPostgresFault(db: PostgresServer, fault: PostgresFault, rate = 300): Promise<PostgresFaultReport> {
  const table = `faults_out_${Date.now().toString(36)}`;
  const prefix = `eddy:${table}:`;
  const pool = db.pool();
  await pool.query(`CREATE TABLE ${table} (id integer NOT NULL, k text NOT NULL, n integer NOT NULL)`);
  const root = mkdtempSync(join(tmpdir(), 'eddy-faults-pg-job-'));
  const out = tailTable(pool, table);
  const job = JobChild.start([
    '--sink', 'postgres', '--target', db.url, '--out', table, '--ckpt', join(root, 'ckpt'), '--rate', String(rate),
    '--interval', '300', '--commit-delay', '200', '--restarts', '20',
  ], 300_000);
  let exited = false;
  void job.exited.then(() => (exited = true));
  const t0 = Date.now();
  try {
    await waitFor('the job to commit its first rows', () => exited || out.count >= rate, 60_000);
    if (exited) throw new Error(`the job ended before the fault:\n${job.describe(t0)}`);
    // Mid-transaction: rows in the open transaction, and a prepared one waiting for its commit.
    let atFault: PostgresFaultReport['atFault'] = { openTransaction: false, prepared: [] };
    await waitFor('the sink to be inside a transaction with another prepared', async () => {
      const open = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`, [table]);
      const prepared = await pool.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE left(gid, length($1)) = $1 ORDER BY gid', [prefix]);
      atFault = { openTransaction: open.rows.length > 0, prepared: prepared.rows.map((r) => r.gid) };
      return exited || (atFault.openTransaction && atFault.prepared.length > 0);
    }, 60_000, 20);
    const window: FaultWindow = fault === 'terminate-backend' ? await terminateMidTransaction(db.url, table) : await postgresRestart(db, fault === 'restart-immediate' ? 'immediate' : 'fast');
    const atBack = out.count;
    await waitFor('rows committed after the fault', () => exited || out.count > atBack, 120_000);
    if (out.seenAfter(atBack) === null) throw new Error(`the job ended without committing after the fault:\n${job.describe(t0)}`);
    const recoveredAt = job.firstAfter(/^(committed checkpoint|recovered the restored)/, window.listeningAt) ?? out.seenAfter(atBack)!;
    await sleep(1_000);
    job.stop();
    const exit = await job.exited;
    if (exit.done === null) throw new Error(`the job did not stop cleanly (exit ${exit.code}, ${exit.signal}):\n${job.describe(t0)}`);
    await out.stop();
    const records = out.records();
    const committed = records.reduce((m, r) => Math.max(m, r.id + 1), 0);
    const left = await pool.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE left(gid, length($1)) = $1', [prefix]);
    return {
      fault: window.fault, atFault, recoverMs: recoveredAt - window.listeningAt, committed, problems: sinkJobDifferences(records, committed),
      preparedLeft: left.rows.map((r) => r.gid), restarts: job.lines(/restarting from the latest checkpoint/).length, log: job.describe(t0, 60),
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\njob log:\n${job.describe(t0)}`, { cause: e });
  } finally {
    job.stop();
    await Promise.race([job.exited, sleep(30_000)]);
    await out.stop().catch(() => {});
    const gids = await pool.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE left(gid, length($1)) = $1', [prefix]).catch(() => ({ rows: [] }));
    for (const { gid } of gids.rows) await pool.query(`ROLLBACK PREPARED '${gid}'`).catch(() => {});
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await pool.end();
    rmSync(root, { recursive: true, force: true });
  }
}
