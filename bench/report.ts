import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EPOCH_MS, KEYS, MAX_JITTER_MS, OUT_OF_ORDERNESS_MS } from './events.ts';

/*
 * What the windows benchmark reports: per-run samples summarized as medians, one table line per
 * (workload, hand baseline) with the correctness check, and bench/results/windows.json.
 */

/** One measured run. */
export interface Sample {
  readonly wallNs: number;
  readonly cpuNs: number;
  readonly results: number;
  readonly checksum: number;
  readonly late: number;
}

/** One implementation of one workload. */
export interface ImplReport {
  /** Median over the measured runs. */
  readonly eventsPerSec: number;
  readonly cpuNsPerEvent: number;
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly results: number;
  readonly checksum: number;
  readonly late: number;
  /** False if the measured runs did not all produce the same results. */
  readonly stable: boolean;
}

/** Everything measured for one workload (what a child process sends back). */
export interface WorkloadReport {
  readonly workload: string;
  readonly description: string;
  readonly events: number;
  /** By implementation id ('eddy', 'hand', ...), with the implementation's label. */
  readonly impls: Record<string, ImplReport & { label: string }>;
  /** Peak resident memory of the child process that ran the workload. */
  readonly maxRssMb: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Medians of the measured runs of one implementation, and whether they all gave the same results. */
export function summarize(samples: Sample[], events: number): ImplReport {
  const first = samples[0];
  return {
    eventsPerSec: Math.round(median(samples.map((s) => events / (s.wallNs / 1e9)))),
    cpuNsPerEvent: Math.round(median(samples.map((s) => s.cpuNs / events))),
    wallMs: samples.map((s) => Math.round(s.wallNs / 1e5) / 10),
    cpuMs: samples.map((s) => Math.round(s.cpuNs / 1e5) / 10),
    results: first.results,
    checksum: first.checksum,
    late: first.late,
    stable: samples.every((s) => s.results === first.results && s.checksum === first.checksum && s.late === first.late),
  };
}

/** One line of the table: Eddy against one hand baseline of a workload. */
export interface Comparison {
  readonly workload: string;
  readonly baseline: string;
  readonly events: number;
  readonly eddy: ImplReport | null;
  readonly hand: ImplReport | null;
  /** Eddy events/s over the baseline's. */
  readonly ratio: number | null;
  readonly check: string;
}

function check(eddy: ImplReport | null, hand: ImplReport | null): string {
  if (eddy === null || hand === null) return '-';
  const problems: string[] = [];
  if (eddy.results !== hand.results) problems.push(`results ${eddy.results} vs ${hand.results}`);
  if (eddy.checksum !== hand.checksum) problems.push(`checksum ${eddy.checksum} vs ${hand.checksum}`);
  if (eddy.late !== 0 || hand.late !== 0) problems.push(`late ${eddy.late} / ${hand.late}`);
  if (!eddy.stable || !hand.stable) problems.push('runs differ');
  return problems.length === 0 ? 'ok' : `MISMATCH: ${problems.join(', ')}`;
}

export function comparisons(w: WorkloadReport): Comparison[] {
  const eddy = w.impls.eddy ?? null;
  const hands = Object.keys(w.impls).filter((id) => id !== 'eddy');
  return (hands.length === 0 ? [null] : hands).map((id) => {
    const hand = id === null ? null : w.impls[id];
    return {
      workload: id === null || id === 'hand' ? w.workload : `${w.workload} vs ${id}`,
      baseline: hand?.label ?? '-',
      events: w.events,
      eddy,
      hand,
      ratio: eddy !== null && hand !== null ? eddy.eventsPerSec / hand.eventsPerSec : null,
      check: check(eddy, hand),
    };
  });
}

export function printTable(rows: Comparison[]): void {
  const rate = (r: ImplReport | null) => (r === null ? '-' : `${(r.eventsPerSec / 1e6).toFixed(2)} M/s`);
  const cells = [['workload', 'events', 'Eddy events/s', 'hand events/s', 'Eddy/hand', 'Eddy CPU ns/ev', 'hand CPU ns/ev', 'results', 'check']];
  for (const c of rows) {
    cells.push([
      c.workload, c.events.toLocaleString('en-US'), rate(c.eddy), rate(c.hand), c.ratio === null ? '-' : `${(c.ratio * 100).toFixed(1)}%`,
      c.eddy === null ? '-' : String(c.eddy.cpuNsPerEvent), c.hand === null ? '-' : String(c.hand.cpuNsPerEvent),
      (c.eddy ?? c.hand)!.results.toLocaleString('en-US'), c.check,
    ]);
  }
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The commit measured, and whether src/ had uncommitted changes (others edit it in parallel). */
function gitState(): { commit: string; srcChanges: string[] } | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), srcChanges: git('status', '--porcelain', '--', 'src').split('\n').filter((l) => l !== '') };
  } catch {
    return null;
  }
}

export function writeJson(reports: WorkloadReport[], rows: Comparison[], o: { events: number; runs: number }): string {
  const path = join(dirname(fileURLToPath(import.meta.url)), 'results', 'windows.json');
  mkdirSync(dirname(path), { recursive: true });
  const doc = {
    benchmark: 'windows',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg(),
    git: gitState(),
    events: o.events,
    runs: o.runs,
    warmups: 1,
    statistic: 'median of runs; eventsPerSec from wall time, cpuNsPerEvent from process.cpuUsage',
    input: { keys: KEYS, eventTime: `${EPOCH_MS} + i ms + jitter in [0, ${MAX_JITTER_MS})`, outOfOrdernessMs: OUT_OF_ORDERNESS_MS },
    comparisons: rows.map((c) => ({ workload: c.workload, baseline: c.baseline, ratio: c.ratio, check: c.check })),
    workloads: reports,
  };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

