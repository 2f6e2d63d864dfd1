// docs/observability.md lists every Prometheus metric with its type, unit and labels; this keeps
// that list and the registry in step, both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { StreamEnvironment, registerEddyMetrics, sinks } from 'eddy';
import { EDDY_METRICS } from '../../src/metrics/eddy-metrics.ts';

interface Row { name: string; type: string; unit: string; labels: string[] }

function documented(): Row[] {
  const text = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.startsWith('| `eddy_')).map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    assert.equal(cells.length, 5, `a row of name | type | unit | labels | meaning: ${line}`);
    const [name, type, unit, labels] = cells;
    return { name: name.replaceAll('`', ''), type, unit, labels: labels === '' ? [] : labels.split(',').map((l) => l.trim().replaceAll('`', '')) };
  });
}

test('docs/observability.md lists exactly the metrics the registry has, with their types, units and labels', async () => {
  const rows = documented();
  assert.deepEqual(rows.map((r) => r.name).sort(), EDDY_METRICS.map((m) => m.name).sort(), 'the same names');
  for (const m of EDDY_METRICS) {
    assert.deepEqual(rows.find((r) => r.name === m.name), { name: m.name, type: m.type, unit: m.unit, labels: [...m.labels] }, m.name);
  }
  // And what a registry really exposes: the same names and types, every series labelled by the job.
  const env = StreamEnvironment.create({ log: () => {} });
  env.fromCollection([1, 2]).sinkTo(sinks.collect());
  const job = env.executeAsync('docs');
  await job.result;
  const registry = new Registry();
  registerEddyMetrics(registry, job, { defaultMetrics: false });
  const exposed = (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
  assert.deepEqual(exposed.sort((a, b) => a.name.localeCompare(b.name)), rows.map((r) => ({ name: r.name, type: r.type })).sort((a, b) => a.name.localeCompare(b.name)));
  const text = await registry.metrics();
  for (const line of text.split('\n').filter((l) => l.startsWith('eddy_'))) assert.match(line, /\{eddy_job="docs"[,}]/, line);
});
