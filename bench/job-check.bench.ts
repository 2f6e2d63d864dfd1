// What `eddy run`'s type check costs: for each example's job.ts, a first check (empty cache) and
// a second one (the cache answers), each in a process of its own as under the CLI, with the
// process's CPU time and the load average beside each figure. Runs the check only, not the jobs.
//
//   node --conditions=eddy-source --import tsx bench/job-check.bench.ts [examples/<name>/job.ts ...]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Measured { kind: string; cached: boolean; ms: number; cpuMs: number }

/** One check in a fresh process: what the CLI pays, TypeScript's loading included. */
function checkInChild(jobFile: string, cacheDir: string): Measured {
  const script = `
    const before = process.cpuUsage();
    const t0 = performance.now();
    const { checkJobFile } = await import(${JSON.stringify(join(ROOT, 'src/cli/job-check.ts'))});
    const { CheckCache } = await import(${JSON.stringify(join(ROOT, 'src/cli/check-cache.ts'))});
    const loaded = performance.now();
    const c0 = process.cpuUsage(before);
    const check = checkJobFile(${JSON.stringify(jobFile)}, { cache: new CheckCache(${JSON.stringify(cacheDir)}) });
    const cpu = process.cpuUsage(before);
    console.log(JSON.stringify({ kind: check.kind, cached: check.cached ?? false, ms: performance.now() - loaded, cpuMs: (cpu.user + cpu.system - c0.user - c0.system) / 1000 }));
  `;
  const out = execFileSync(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
}

const jobs = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : readdirSync(join(ROOT, 'examples')).map((d) => join('examples', d, 'job.ts')).filter((f) => existsSync(join(ROOT, f)));
const typescript = JSON.parse(readFileSync(join(ROOT, 'node_modules/typescript/package.json'), 'utf8')) as { version: string };
console.log(`node ${process.version}, TypeScript ${typescript.version}; wall ms (CPU ms) of the check itself, Eddy's CLI modules loaded`);
console.log('| job file | first check | second check | load average |');
console.log('|---|---|---|---|');
for (const job of jobs) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'eddy-check-bench-'));
  try {
    const first = checkInChild(join(ROOT, job), cacheDir);
    const second = checkInChild(join(ROOT, job), cacheDir);
    if (first.kind !== 'passed' || second.kind !== 'passed' || first.cached || !second.cached) throw new Error(`${job}: unexpected ${JSON.stringify([first, second])}`);
    const fmt = (m: Measured) => `${Math.round(m.ms)} ms (${Math.round(m.cpuMs)})`;
    console.log(`| ${job} | ${fmt(first)} | ${fmt(second)} | ${loadavg()[0].toFixed(1)} |`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
