// PostgreSQL failing under a running exactly-once job (a server of this test, on ports
// 25432-25439; never the shared one), while the sink has rows in an open transaction and an
// earlier checkpoint's transaction prepared: the lost connection fails the job through the normal
// path (no unhandled 'error' event kills the process), the restart strategy restarts it, the sink
// reconnects and resolves the prepared transactions, and the table equals the oracle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { killJobChildren } from './job-child.ts';
import { type PostgresFault, runPostgresFault } from './postgres-fault-scenario.ts';
import { PostgresServer } from './postgres-server.ts';

let db: PostgresServer;
before(async () => {
  db = await PostgresServer.start();
}, { timeout: 180_000 });
after(async () => {
  killJobChildren();
  await db?.stop();
});

const cases: [PostgresFault, string][] = [
  ['restart-immediate', 'PostgreSQL crash-restarted mid-transaction'],
  ['terminate-backend', "pg_terminate_backend on the sink's connections mid-transaction"],
];
for (const [fault, title] of cases) {
  test(`${title}: the job restarts, prepared transactions are resolved, the table equals the oracle`, { timeout: 240_000 }, async () => {
    const r = await runPostgresFault(db, fault);
    if (process.env.EDDY_FAULTS_VERBOSE) process.stdout.write(`${r.log}\n`);
    process.stdout.write(`# ${r.fault}: at the fault ${r.atFault.openTransaction ? 'an open transaction and ' : ''}${r.atFault.prepared.length} prepared; ` +
      `committing again ${(r.recoverMs / 1000).toFixed(1)} s after the server took connections again; ${r.restarts} restarts; ${r.committed} rows\n`);
    assert.ok(r.atFault.openTransaction && r.atFault.prepared.length > 0, 'the fault landed between the two phases');
    assert.deepEqual(r.problems, [], `the table differs from the oracle\n${r.log}`);
    assert.deepEqual(r.preparedLeft, [], 'prepared transactions left behind');
    assert.ok(r.restarts >= 1, `the lost connection failed the job and the restart strategy ran\n${r.log}`);
  });
}
