// A small chaos run (see scripts/chaos/chaos.ts): 12 SIGKILLs with a fixed seed spread over four
// crash scenarios (file sinks with windows, timers and CEP on the heap; joins behind async I/O on
// LMDB; PostgreSQL sinks; Kafka sinks). Every scenario's committed results must equal its oracle,
// and the kills must land: in more than one phase of the checkpoint cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChaosTable, runChaos } from '../../scripts/chaos/chaos-run.ts';
import { databaseUrl } from '../postgres/pg-test-db.ts';
import { brokers } from '../kafka/kafka-test-env.ts';

/** About 1.5 minutes at a load average of 15 on 2 cores; a stuck run fails. */
const TIMEOUT_MS = 420_000;

test('chaos run: 12 kills over four scenarios, every result equals its oracle', { timeout: TIMEOUT_MS }, async (t) => {
  brokers();
  databaseUrl();
  const report = await runChaos({ kills: 12, seed: 20_261_207, scenarios: ['files-heap', 'joins-lmdb', 'postgres', 'kafka'], workers: 2 });
  t.diagnostic(formatChaosTable(report));
  assert.equal(report.rows.length, 4);
  for (const r of report.rows) {
    assert.deepEqual(r.mismatches, [], `${r.scenario}: the committed results equal the oracle`);
    assert.ok(r.trials > 0 && r.equal === r.trials, `${r.scenario}: every trial ran to the end`);
  }
  assert.ok(report.kills >= 9, `most of the 12 kill points land (${report.kills})`);
  const phases = new Set(report.rows.flatMap((r) => Object.entries(r.phases).filter(([, n]) => n > 0).map(([p]) => p)));
  assert.ok(phases.size >= 3, `kills land in several phases of the checkpoint cycle (${[...phases].join(', ')})`);
});
