/**
 * What asyncMap costs on top of the step loop, with a function that resolves at once (so the
 * figure is the operator's and the runner's overhead, not a service's latency), against `map`.
 * Also the PostgreSQL sinks' rows/s when DATABASE_URL is set (upsert, and exactly-once with a
 * checkpoint every 200 ms).
 *
 *   node --conditions=eddy-source --import tsx bench/async-map.bench.ts [--records 500000] [--runs 3]
 *
 * Prints the median of `runs` per case (wall time via stopwatch.ts). Each case runs in this one
 * process, alternating, after a warm-up run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';
import { startStopwatch } from './stopwatch.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '500000' }, runs: { type: 'string', default: '3' } } });
const N = Number(values.records);
const RUNS = Number(values.runs);

type Case = { name: string; records: number; run: () => Promise<void> };

function pipeline(kind: 'map' | 'async-ordered' | 'async-unordered', capacity: number): Case {
  return {
    name: kind === 'map' ? 'map' : `asyncMap ${kind === 'async-ordered' ? 'ordered' : 'unordered'}, capacity ${capacity}`,
    records: N,
    run: async () => {
      const env = StreamEnvironment.create();
      const s = env.fromSource(sources.generator({ count: N, generate: (i) => i }), WatermarkStrategy.noWatermarks<number>(), 'numbers');
      const out = kind === 'map' ? s.map((x) => x + 1) : s.asyncMap((x) => Promise.resolve(x + 1), { capacity, ordered: kind === 'async-ordered' });
      let sum = 0;
      out.filter((x) => {
        sum += x;
        return false;
      }).sinkTo(sinks.collect<number>());
      await env.execute('bench');
      if (sum === 0) throw new Error('nothing came out');
    },
  };
}

function postgresCase(kind: 'upsert' | 'exactly-once', url: string, pool: pg.Pool): Case {
  const rows = 100_000;
  return {
    name: `sinks.${kind === 'upsert' ? 'postgresUpsert' : "postgres exactly-once (checkpoint every 200 ms)"} into kv(k bigint pk, v bigint)`,
    records: rows,
    run: async () => {
      const table = `bench_kv_${process.pid}`;
      await pool.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (k bigint PRIMARY KEY, v bigint)`);
      const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-pg-'));
      const env = StreamEnvironment.create(kind === 'upsert' ? {} : { checkpoints: { dir, intervalMs: 200 }, restore: { from: 'fresh' } });
      const s = env.fromSource(sources.generator({ count: rows, generate: (i) => ({ k: i, v: i * 2 }) }), WatermarkStrategy.noWatermarks<{ k: number; v: number }>(), 'rows');
      s.sinkTo(kind === 'upsert'
        ? sinks.postgresUpsert({ url, table, key: ['k'], columns: ['k', 'v'], batchRows: 5_000 })
        : sinks.postgres({ url, table, key: ['k'], columns: ['k', 'v'], batchRows: 5_000 }));
      await env.execute('bench-pg');
      rmSync(dir, { recursive: true, force: true });
      const { rows: r } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      if (Number(r[0].n) !== rows) throw new Error(`expected ${rows} rows, found ${r[0].n}`);
      await pool.query(`DROP TABLE ${table}`);
    },
  };
}

const cases: Case[] = [pipeline('map', 0), pipeline('async-ordered', 100), pipeline('async-unordered', 100), pipeline('async-ordered', 1_000)];
const url = process.env.DATABASE_URL;
const pool = url ? new pg.Pool({ connectionString: url, max: 1 }) : null;
if (url && pool) cases.push(postgresCase('upsert', url, pool), postgresCase('exactly-once', url, pool));
else console.log('(DATABASE_URL not set: PostgreSQL cases skipped)');

for (const c of cases) await c.run(); // warm-up
const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < RUNS; r++) {
  for (const c of cases) {
    const stop = startStopwatch();
    await c.run();
    times.get(c.name)!.push(stop().wallNs / 1e6);
  }
}
for (const c of cases) {
  const ms = times.get(c.name)!.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(`${c.name.padEnd(78)} ${String(Math.round((c.records / median) * 1000)).padStart(10)} records/s  (median ${median.toFixed(0)} ms of ${ms.map((m) => m.toFixed(0)).join(', ')})`);
}
await pool?.end();
