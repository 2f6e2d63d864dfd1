import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from '../../test/crash/crash-input.ts';
import { killAllKillable } from '../../test/crash/killable-job.ts';
import { WarmStarts } from '../../test/crash/warm-start.ts';
import type { ChaosPhase, ChaosScenario, ChaosTrial } from './chaos-scenario.ts';
import { chaosScenarios, scenarioDir, type ScenarioId } from './chaos-scenarios.ts';

/** What to run. */
export interface ChaosOptions {
  readonly kills: number;
  readonly seed: number;
  readonly scenarios: readonly ScenarioId[];
  /** Trials at a time (each a chain of child processes). */
  readonly workers: number;
  /** Start no trial after this many ms (the table then says how many of the kills were run); default no limit. */
  readonly budgetMs?: number;
  /** Called after each trial (progress). */
  readonly onTrial?: (scenario: string, trial: ChaosTrial, doneKills: number) => void;
}

/** One row of the chaos table. */
export interface ChaosRow {
  readonly scenario: string;
  readonly trials: number;
  readonly planned: number;
  readonly landed: number;
  readonly phases: Record<ChaosPhase, number>;
  readonly notReached: number;
  /** Trials whose committed result equals the oracle. */
  readonly equal: number;
  readonly mismatches: readonly string[];
  readonly ms: number;
}

/** The whole run. */
export interface ChaosReport {
  readonly rows: readonly ChaosRow[];
  readonly kills: number;
  readonly ms: number;
  /** Kills landed per minute of wall-clock time, setup (the oracles) included. */
  readonly killsPerMinute: number;
  /**
   * CPU seconds of this process and its children (the job runs) per landed kill, null where
   * /proc is missing: what a kill costs on an idle machine, whatever the load was.
   */
  readonly cpuSecondsPerKill: number | null;
}

/** User + system CPU seconds of this process and its exited children, from /proc (Linux). */
function cpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime are fields 14-17 (1-based), here 11-14 after the command name; in clock ticks (100 a second).
    return fields.slice(11, 15).reduce((a, f) => a + Number(f), 0) / 100;
  } catch {
    return null;
  }
}

/**
 * Splits `kills` over the scenarios by weight (largest remainder, so the split is the same for
 * every seed) and each scenario's share into trials of at most its `killsPerTrial`.
 *
 * @example
 * allot(12, [s1, s2]); // [[s1, [4, 4]], [s2, [4]]]
 */
export function allot(kills: number, scenarios: readonly ChaosScenario[]): number[][] {
  const total = scenarios.reduce((s, x) => s + x.weight, 0);
  const exact = scenarios.map((s) => (kills * s.weight) / total);
  const shares = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let left = kills - shares.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) shares[order[j % order.length][1]]++;
  return shares.map((n, i) => {
    const per = scenarios[i].killsPerTrial;
    return Array.from({ length: Math.ceil(n / per) }, (_, t) => Math.min(per, n - t * per));
  });
}

/**
 * Runs the chaos run: every scenario's oracle, then all trials, interleaved across scenarios,
 * `workers` at a time; the kill plans of trial t of scenario s come from the seed alone.
 *
 * @example
 * const report = await runChaos({ kills: 12, seed: 7, scenarios: ['files-heap', 'postgres'], workers: 2 });
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now();
  const cpu0 = cpuSeconds();
  const root = mkdtempSync(join(tmpdir(), 'eddy-chaos-'));
  const warm = new WarmStarts(o.workers);
  const picked = chaosScenarios(warm.launch, o.scenarios);
  const scenarios = picked.map(([, s]) => s);
  const trials = allot(o.kills, scenarios);
  const rows = scenarios.map((s, i): { s: ChaosScenario; results: ChaosTrial[]; setupError: string | null; planned: number } =>
    ({ s, results: [], setupError: null, planned: trials[i].reduce((a, b) => a + b, 0) }));
  let doneKills = 0;
  try {
    for (const [i, [id, s]] of picked.entries()) {
      if (trials[i].length === 0) continue;
      await s.setup(scenarioDir(root, id)).catch((e: Error) => (rows[i].setupError = `setup: ${e.message.slice(0, 800)}`));
    }
    // Round robin over scenarios, so that a short run still touches each of them.
    const queue: [number, number][] = [];
    for (let t = 0; t < Math.max(...trials.map((x) => x.length)); t++) {
      for (let i = 0; i < scenarios.length; i++) if (t < trials[i].length && rows[i].setupError === null) queue.push([i, t]);
    }
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined && performance.now() - started < (o.budgetMs ?? Number.POSITIVE_INFINITY); next = queue.shift()) {
        const [i, t] = next;
        const rnd = prng((o.seed * 1_000_003 + i * 7_919 + t) >>> 0);
        const r = await scenarios[i].trial(t, trials[i][t], rnd).catch((e: Error): ChaosTrial => ({ kills: [], mismatch: `trial failed: ${e.message}`, ms: 0 }));
        rows[i].results.push(r);
        doneKills += r.kills.filter((k) => k.phase !== null).length;
        o.onTrial?.(scenarios[i].name, r, doneKills);
      }
    };
    await Promise.all(Array.from({ length: o.workers }, worker));
  } finally {
    warm.close();
    killAllKillable();
    for (const s of scenarios) await s.teardown().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  const out = rows.map(({ s, results, setupError, planned }): ChaosRow => {
    const kills = results.flatMap((r) => r.kills);
    const phases: Record<ChaosPhase, number> = { processing: 0, snapshot: 0, commit: 0, recovery: 0, unclassified: 0 };
    for (const k of kills) if (k.phase !== null) phases[k.phase]++;
    const mismatches = [...(setupError === null ? [] : [setupError]), ...results.flatMap((r, t) => (r.mismatch === null ? [] : [`trial ${t}: ${r.mismatch}`]))];
    return {
      scenario: s.name, trials: results.length, planned, landed: kills.filter((k) => k.phase !== null).length, phases,
      notReached: kills.filter((k) => k.phase === null).length, equal: results.filter((r) => r.mismatch === null).length, mismatches,
      ms: results.reduce((a, r) => a + r.ms, 0),
    };
  });
  const landed = out.reduce((a, r) => a + r.landed, 0);
  const cpu1 = cpuSeconds();
  return { rows: out, kills: landed, ms, killsPerMinute: landed / (ms / 60_000), cpuSecondsPerKill: cpu0 === null || cpu1 === null || landed === 0 ? null : (cpu1 - cpu0) / landed };
}

/**
 * The chaos table as text: one row per scenario, kills by phase, trials equal to the oracle.
 *
 * @example
 * process.stdout.write(formatChaosTable(report));
 */
export function formatChaosTable(r: ChaosReport): string {
  const head = ['scenario', 'trials', 'kills landed', 'processing', 'snapshot', 'pre-commit→commit', 'restore', 'timed†', 'not reached', '= oracle'];
  const body = r.rows.map((x) => [
    x.scenario, String(x.trials), String(x.landed), String(x.phases.processing), String(x.phases.snapshot), String(x.phases.commit),
    String(x.phases.recovery), String(x.phases.unclassified), String(x.notReached), x.mismatches.length === 0 && x.trials > 0 ? `yes (${x.equal}/${x.trials})` : `NO (${x.equal}/${x.trials})`,
  ]);
  const sum = (f: (x: ChaosRow) => number) => String(r.rows.reduce((a, x) => a + f(x), 0));
  body.push(['total', sum((x) => x.trials), sum((x) => x.landed), sum((x) => x.phases.processing), sum((x) => x.phases.snapshot), sum((x) => x.phases.commit),
    sum((x) => x.phases.recovery), sum((x) => x.phases.unclassified), sum((x) => x.notReached), r.rows.every((x) => x.mismatches.length === 0 && x.trials > 0) ? 'yes' : 'NO']);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line), '',
    `${r.kills} kills landed (of ${r.rows.reduce((a, x) => a + x.planned, 0)} planned) in ${(r.ms / 60_000).toFixed(1)} min, oracles included: ${r.killsPerMinute.toFixed(1)} kills/min` +
      (r.cpuSecondsPerKill === null ? '' : `; ${r.cpuSecondsPerKill.toFixed(1)} CPU s per kill (job runs included)`),
    '† timed kills where nothing on disk tells the phase (Kafka and scale-out keep no pending files)', ''].join('\n');
}
