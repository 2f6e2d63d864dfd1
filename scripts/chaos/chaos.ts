// npm run chaos -- --kills N --seed S [--scenarios files-heap,postgres,...] [--workers 2] [--minutes M] [--out FILE.json]
//
// Every crash scenario the suite has (file, Kafka and PostgreSQL sinks; heap and LMDB; windows,
// joins, timers, async I/O, CEP; scale-out), N SIGKILLs spread over them by the seed, one table:
// where the kills landed in the checkpoint cycle and whether each scenario's committed results
// equal its oracle (a run never killed). Exits 1 on any difference. Needs KAFKA_BROKERS and
// DATABASE_URL for the Kafka, scale-out and PostgreSQL scenarios (leave those out otherwise).
// --minutes starts no trial after M minutes: the table then covers the trials that ran (an
// interrupted run is not a failure; a difference is).
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SCENARIO_IDS, type ScenarioId } from './chaos-scenarios.ts';
import { formatChaosTable, runChaos } from './chaos-run.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    scenarios: { type: 'string', default: SCENARIO_IDS.join(',') },
    workers: { type: 'string', default: String(Math.max(1, cpus().length)) },
    out: { type: 'string' },
    minutes: { type: 'string' },
  },
});
const scenarios = values.scenarios.split(',').map((s) => s.trim()) as ScenarioId[];
const unknown = scenarios.filter((s) => !(SCENARIO_IDS as readonly string[]).includes(s));
if (unknown.length > 0) {
  process.stderr.write(`chaos: unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}\n`);
  process.exit(2);
}
const kills = Number(values.kills);
const seed = Number(values.seed);
if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(seed)) {
  process.stderr.write('chaos: --kills must be a positive integer and --seed an integer\n');
  process.exit(2);
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
process.stderr.write(`chaos: ${kills} kills, seed ${seed}, scenarios ${scenarios.join(', ')}; load average ${load()}\n`);
const report = await runChaos({
  kills, seed, scenarios, workers: Number(values.workers),
  ...(values.minutes === undefined ? {} : { budgetMs: Number(values.minutes) * 60_000 }),
  onTrial: (name, t, done) => process.stderr.write(`  ${done}/${kills} ${name}: ${t.kills.filter((k) => k.phase !== null).length} kills, ${(t.ms / 1000).toFixed(1)} s${t.mismatch === null ? "" : `, MISMATCH: ${t.mismatch.slice(0, 300)}`}\n${process.env.CHAOS_VERBOSE ? t.kills.map((k) => `      ${k.phase ?? "-"}: ${k.detail}\n`).join("") : ""}`),
});
process.stdout.write(`${formatChaosTable(report)}load average at the end: ${load()}\n`);
for (const r of report.rows) for (const m of r.mismatches) process.stdout.write(`MISMATCH ${r.scenario}: ${m}\n`);
if (values.out !== undefined) {
  mkdirSync(values.out.replace(/\/[^/]*$/, '') || '.', { recursive: true });
  writeFileSync(values.out, `${JSON.stringify({ requested: kills, seed, scenarios, loadavg: loadavg(), ...report }, null, 2)}\n`);
}
process.exitCode = report.rows.every((r) => r.mismatches.length === 0 && r.trials > 0) ? 0 : 1;
