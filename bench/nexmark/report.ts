import { perCore, type RunResult } from './run-result.ts';
import { barChart, type BarGroup } from './svg-chart.ts';

/*
 * What the Nexmark benchmark reports: one row per (query, checkpoint mode), the table printed on
 * the terminal, and the chart for the README.
 */

/**
 * Every measurement of one query in one checkpoint mode.
 *
 * @example
 * const row: Row = { query: 'q5', checkpoints: 'off', eddy, flink, hand };
 */
export interface Row {
  readonly query: string;
  /** 'off', or the interval, e.g. '10 s'. */
  readonly checkpoints: string;
  readonly eddy: RunResult | null;
  readonly flink: RunResult | null;
  readonly hand: RunResult | null;
  /** Why there is no Flink figure, when there is none. */
  readonly flinkNote?: string;
}

/** Queries whose results depend on processing time: their counts are not compared. */
const NONDETERMINISTIC = new Set(['q12']);

/**
 * 'ok' when every system that ran the query made the same number of results.
 *
 * @example
 * check(row); // 'ok' or 'MISMATCH: flink 110 vs eddy 111'
 */
export function check(row: Row): string {
  if (row.eddy === null) return '-';
  if (NONDETERMINISTIC.has(row.query)) return 'n/a (processing time)';
  const problems: string[] = [];
  for (const other of [row.flink, row.hand]) {
    if (other !== null && other.results !== row.eddy.results) problems.push(`${other.system} ${other.results} vs eddy ${row.eddy.results}`);
  }
  return problems.length === 0 ? 'ok' : `MISMATCH: ${problems.join(', ')}`;
}

const rate = (r: RunResult | null): string => (r === null ? '-' : `${(perCore(r) / 1e6).toFixed(3)} M`);
const ratio = (a: RunResult | null, b: RunResult | null): string => (a === null || b === null ? '-' : `${(perCore(a) / perCore(b)).toFixed(2)}x`);

/**
 * The table as Markdown (it prints well on a terminal too).
 *
 * @example
 * console.log(table(rows));
 */
export function table(rows: readonly Row[]): string {
  const cells = [[
    'query', 'checkpoints', 'events', 'Eddy ev/s/core', 'Flink ev/s/core', 'Eddy/Flink', 'hand ev/s/core', 'Eddy/hand',
    'Eddy peak RSS / heap', 'Flink peak RSS', 'ckpts E/F', 'results', 'check',
  ]];
  for (const r of rows) {
    const any = r.eddy ?? r.flink ?? r.hand;
    cells.push([
      r.query, r.checkpoints, any === null ? '-' : any.events.toLocaleString('en-US'),
      rate(r.eddy), r.flink === null ? (r.flinkNote ?? '-') : rate(r.flink), ratio(r.eddy, r.flink), rate(r.hand), ratio(r.eddy, r.hand),
      r.eddy === null ? '-' : `${Math.round(r.eddy.maxRssKb / 1024)}${r.eddy.heapPeakKb === undefined ? '' : ` / ${Math.round(r.eddy.heapPeakKb / 1024)}`} MB`,
      r.flink === null ? '-' : `${Math.round(r.flink.maxRssKb / 1024)} MB`,
      r.checkpoints === 'off' ? '-' : `${r.eddy?.checkpoints ?? '-'}/${r.flink?.checkpoints ?? '-'}`,
      any === null ? '-' : any.results.toLocaleString('en-US'), check(r),
    ]);
  }
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => (i < 2 || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w, i) => (i < 2 || i === widths.length - 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/**
 * The README's chart: events/s per core for each query, Eddy and Flink with checkpoints off and
 * on, and the hand-written loop.
 *
 * @example
 * writeFileSync('docs/img/nexmark.svg', chart(rows, 'measured 2026-11-21, 2 cores'));
 */
export function chart(rows: readonly Row[], subtitle: string): string {
  const byQuery = new Map<string, Record<string, number | undefined>>();
  for (const r of rows) {
    const g = byQuery.get(r.query) ?? {};
    const mode = r.checkpoints === 'off' ? '' : `, checkpoints ${r.checkpoints}`;
    if (r.eddy !== null) g[`Eddy${mode}`] = perCore(r.eddy);
    if (r.flink !== null) g[`Flink 1.20${mode}`] = perCore(r.flink);
    if (r.hand !== null) g['hand-written loop'] = perCore(r.hand);
    byQuery.set(r.query, g);
  }
  const modes = [...new Set(rows.map((r) => r.checkpoints))];
  const palette = { eddy: ['#1f77b4', '#6baed6'], flink: ['#d62728', '#fc9272'] };
  const series = [
    ...modes.map((m, i) => ({ name: `Eddy${m === 'off' ? '' : `, checkpoints ${m}`}`, color: palette.eddy[Math.min(i, 1)] })),
    ...modes.map((m, i) => ({ name: `Flink 1.20${m === 'off' ? '' : `, checkpoints ${m}`}`, color: palette.flink[Math.min(i, 1)] })),
    { name: 'hand-written loop', color: '#7f7f7f' },
  ];
  const groups: BarGroup[] = [...byQuery].map(([label, values]) => ({ label, values }));
  return barChart({ title: 'Nexmark: events per second per core (generator included)', subtitle, unit: 'events/s per core (CPU time)', series, groups });
}
