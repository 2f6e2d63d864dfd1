import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';
import { readKeyedState } from '../../src/checkpoint/inspect.ts';
import { eventually, parsePrometheus, total, webJob } from './web-job.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-rest-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** fetch() will not send a made-up Host header; node:http does. */
function statusWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/job', headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

test('REST API and /metrics of a running job on 127.0.0.1 (port 0), closed when the job ends', { timeout: 120_000 }, async () => {
  const job = webJob({ web: { port: 0, sampleEveryMs: 100 } }).executeAsync('rest');
  try {
    const { url, host, port } = await job.web!;
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);
    await eventually('records flow', async () => (await getJson(`${url}api/job`)).body.recordsIn > 500);
    const info = (await getJson(`${url}api/job`)).body;
    assert.equal(info.name, 'rest');
    assert.equal(info.status, 'running');

    const ops = (await getJson(`${url}api/operators`)).body as any[];
    assert.deepEqual(ops.map((o) => o.kind).sort(), ['key-by', 'key-by', 'keyed-process', 'sink', 'sink', 'source', 'window']);
    const window = ops.find((o) => o.kind === 'window');
    assert.deepEqual(ops[window.inputs[0]].inputs, [ops.find((o) => o.kind === 'source').id], 'the graph: source -> key-by -> window');
    assert.equal(window.heldBackBy.source, 'events');
    assert.equal(window.heldBackBy.split, 'generator[1]', 'the trailing split holds the window back');

    const srcs = (await getJson(`${url}api/sources`)).body as any[];
    assert.equal(srcs[0].holdingBack, 1);
    assert.ok(srcs[0].splits[0].watermark > srcs[0].splits[1].watermark);

    // Queryable state: read between step-loop rounds, and it grows as records flow.
    const first = (await getJson(`${url}api/state/counter/u1`)).body;
    assert.equal(first.operator, 'counter');
    assert.equal(first.values[0].table, 'count');
    await eventually('u1 counts on', async () => (await getJson(`${url}api/state/counter/u1`)).body.values[0].value > first.values[0].value);
    const byName = await getJson(`${url}api/state/${encodeURIComponent('count per user')}/u1`);
    assert.equal(byName.status, 200);
    const missing = await getJson(`${url}api/state/nope/u1`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no operator 'nope'.*'counter'/);
    assert.deepEqual((await getJson(`${url}api/state/counter/nobody`)).body.values, []);

    // /metrics: names present, counters move.
    const scrape = async () => parsePrometheus(await (await fetch(`${url}metrics`)).text());
    const a = await scrape();
    await eventually('late records and outputs at the sinks', async () => {
      const m = (await getJson(`${url}api/metrics`)).body;
      return m.lateDropped > 0 && m.latency.eventTime.count > 0;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 1_100)); // state sizes are read at most once a second
    const b = await scrape();
    for (const name of ['eddy_throughput_events_per_sec', 'eddy_processing_latency_ms_count', 'eddy_watermark_lag_ms', 'eddy_source_watermark_lag_ms',
      'eddy_operator_records_in_total', 'eddy_operator_records_out_total', 'eddy_operator_busy_ms_total', 'eddy_operator_backpressured_ms_total',
      'eddy_operator_late_records_dropped_total', 'eddy_operator_dead_letters_total', 'eddy_operator_state_keys']) {
      assert.ok([...b.keys()].some((k) => k === name || k.startsWith(`${name}{`)), `${name} is exported`);
    }
    assert.ok(total(b, 'eddy_operator_records_in_total') > total(a, 'eddy_operator_records_in_total'), 'records in move');
    assert.ok(total(b, 'eddy_operator_late_records_dropped_total') > 0);
    assert.ok(total(b, 'eddy_processing_latency_ms_count', 'kind="event_time"') > 0);
    assert.equal(total(b, 'eddy_processing_latency_ms_bucket', 'le="+Inf",kind="ingestion"') + total(b, 'eddy_processing_latency_ms_bucket', 'kind="ingestion",le="+Inf"'),
      total(b, 'eddy_processing_latency_ms_count', 'kind="ingestion"'));
    assert.ok(total(b, 'eddy_throughput_events_per_sec', 'direction="in"') > 0);
    assert.equal(total(b, 'eddy_operator_state_keys', 'operator="count per user"'), 5);
    assert.ok(total(b, 'eddy_source_watermark_lag_ms', 'split="generator[1]"') > total(b, 'eddy_source_watermark_lag_ms', 'split="generator[0]"'));

    const history = (await getJson(`${url}api/history`)).body as any[];
    assert.ok(history.length >= 2 && history.at(-1).inPerSec > 0);
    const samples = (await getJson(`${url}api/samples`)).body as any[];
    assert.ok(samples.some((s) => s.kind === 'late' && s.operator === 'per second'));

    // Refusals.
    const noCheckpoints = await getJson(`${url}api/savepoints`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(noCheckpoints.status, 409);
    assert.equal((await fetch(`${url}api/savepoints`, { method: 'POST', body: '{}' })).status, 415, 'POST must be JSON (no cross-site form posts)');
    assert.equal(await statusWithHost(port, 'evil.example'), 403, 'a page on another name that resolves here (DNS rebinding) is refused');
    assert.equal(await statusWithHost(port, `localhost:${port}`), 200);
    assert.equal((await fetch(`${url}api/nothing`)).status, 404);
    assert.equal((await fetch(`${url}api/job`, { method: 'DELETE' })).status, 405);
    assert.match(await (await fetch(url)).text(), /<svg id="graph"/);
  } finally {
    job.cancel();
    const result = await job.result;
    assert.equal(result.status, 'cancelled');
  }
  const { url } = await job.web!;
  await assert.rejects(fetch(`${url}api/job`), 'the server is gone once the job has ended');
  await assert.rejects(job.queryState('counter', 'u1'), /not running/);
});

test('savepoint and stop-with-savepoint over REST', { timeout: 120_000 }, async () => {
  const dir = join(root, 'ckpt');
  const job = webJob({ web: { port: 0 }, checkpoints: { dir, intervalMs: 60_000 }, restore: { from: 'fresh' } }).executeAsync('rest-savepoints');
  const { url } = await job.web!;
  const post = (path: string, body: unknown) => getJson(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await eventually('records flow', async () => (await getJson(`${url}api/job`)).body.recordsIn > 200);
  const sp = await post('api/savepoints', {});
  assert.equal(sp.status, 200, JSON.stringify(sp.body));
  assert.ok(sp.body.path.startsWith(join(dir, 'savepoints', 'savepoint-')), sp.body.path);
  assert.ok(existsSync(join(sp.body.path, 'MANIFEST.json')));
  assert.equal((await post('api/savepoints', { path: sp.body.path })).status, 409, 'an existing savepoint is not overwritten');
  const history = (await getJson(`${url}api/checkpoints`)).body as { id: number; status: string; durationMs: number; bytes: number }[];
  assert.ok(history.length >= 1 && history.every((c) => c.status === 'completed' && c.durationMs >= 0 && c.bytes > 0), JSON.stringify(history));
  const scraped = parsePrometheus(await (await fetch(`${url}metrics`)).text());
  assert.ok(total(scraped, 'eddy_checkpoints', 'status="completed"') >= 1);
  assert.ok(total(scraped, 'eddy_checkpoint_bytes') > 0);
  assert.ok([...scraped.keys()].some((k) => k.startsWith('eddy_checkpoint_duration_ms{')));
  const stopAt = join(root, 'final');
  const stop = await post('api/stop', { path: stopAt });
  assert.equal(stop.status, 200, JSON.stringify(stop.body));
  assert.equal(stop.body.stopped, true);
  const result = await job.result;
  assert.equal(result.status, 'stopped');
  const state = await readKeyedState(await openCheckpoint(stopAt), 'counter');
  let counted = 0;
  for (const [, v] of state.table<number>('count').entries()) counted += v;
  assert.equal(counted, result.metrics.operators.find((o) => o.name === 'count per user')!.recordsIn, 'the savepoint is the stop point');
});

test('a job that ends at once leaves no server behind, whether or not the server was up', async () => {
  const { StreamEnvironment, sinks } = await import('eddy');
  for (let i = 0; i < 3; i++) {
    const lines: string[] = [];
    const env = StreamEnvironment.create({ web: { port: 0 }, log: (l) => lines.push(l) });
    env.fromCollection([1, 2, 3]).map((x) => x * 2).sinkTo(sinks.collect());
    const job = env.executeAsync(`short-${i}`);
    const result = await job.result;
    assert.equal(result.status, 'finished');
    const address = await job.web!.catch((e: Error) => e);
    if (address instanceof Error) assert.match(address.message, /ended before its web server started/);
    else await assert.rejects(fetch(`${address.url}api/job`), 'closed with the job');
  }
});
