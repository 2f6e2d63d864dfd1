import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chart, check, table, type Row } from '../../bench/nexmark/report.ts';
import type { RunResult } from '../../bench/nexmark/run-result.ts';
import { barChart, lineChart } from '../../bench/nexmark/svg-chart.ts';

const run = (system: RunResult['system'], results: number, cpuNs: number): RunResult =>
  ({ system, query: 'q5', events: 1_000_000, results, cpuNs, wallNs: cpuNs, checkpoints: 0, maxRssKb: 102_400, heapPeakKb: system === 'eddy' ? 40_960 : undefined });

test('the table shows per-core rates and ratios, and flags differing result counts', () => {
  const ok: Row = { query: 'q5', checkpoints: 'off', eddy: run('eddy', 111, 1e9), flink: run('flink', 111, 4e9), hand: run('hand', 111, 5e8) };
  const bad: Row = { ...ok, checkpoints: '10 s', flink: run('flink', 110, 4e9), hand: null };
  assert.equal(check(ok), 'ok');
  assert.equal(check(bad), 'MISMATCH: flink 110 vs eddy 111');
  assert.equal(check({ ...ok, query: 'q12', flink: run('flink', 7, 1e9) }), 'n/a (processing time)');
  const text = table([ok, bad]);
  assert.match(text, /\| q5 +\| off +\| +1,000,000 \| +1\.000 M \| +0\.250 M \| +4\.00x \| +2\.000 M \| +0\.50x \| +100 \/ 40 MB \| +100 MB \|/);
  assert.match(text, /MISMATCH/);
});

test('the charts are well-formed SVG with every label and value', () => {
  const rows: Row[] = [{ query: 'q0', checkpoints: 'off', eddy: run('eddy', 1, 5e8), flink: run('flink', 1, 2e9), hand: null, flinkNote: undefined }];
  const svg = chart(rows, 'a <subtitle> & more');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.ok(svg.includes('a &lt;subtitle&gt; &amp; more'));
  assert.ok(svg.includes('>2.00M<') && svg.includes('>500k<'), 'bar values');
  assert.equal((svg.match(/<rect /g) ?? []).length, 1 + 2 + 3, 'background, two bars, three legend keys');
  const line = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', color: '#000', points: [[1, 2], [3, 4]] }] });
  assert.match(line, /<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
  const empty = barChart({ title: 'nothing measured', unit: 'u', series: [], groups: [] });
  assert.match(empty, /nothing measured/);
});
