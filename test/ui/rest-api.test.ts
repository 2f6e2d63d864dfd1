import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WatermarkStrategy } from 'eddy';
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

test('REST API and /metrics of a running job on 127.0.0.1 (port 0); after its end, its final state until another job takes the port', { timeout: 120_000 }, async () => {
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
    for (const name of ['eddy_throughput_events_per_sec', 'eddy_processing_latency_ms_count', 'eddy_watermark_lag_ms', 'eddy_source_watermark_lag_seconds',
      'eddy_processing_latency_seconds_count', 'eddy_operator_watermark_seconds', 'eddy_job_start_time_seconds', 'eddy_job_restarts_total', 'eddy_job_status',
      'eddy_operator_records_in_total', 'eddy_operator_records_out_total', 'eddy_operator_busy_seconds_total', 'eddy_operator_backpressured_seconds_total',
      'eddy_operator_late_records_total', 'eddy_operator_dead_letters_total', 'eddy_operator_state_keys', 'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes']) {
      assert.ok([...b.keys()].some((k) => k === name || k.startsWith(`${name}{`)), `${name} is exported`);
    }
    assert.ok(total(b, 'eddy_operator_records_in_total') > total(a, 'eddy_operator_records_in_total'), 'records in move');
    assert.ok(total(b, 'eddy_operator_late_records_total', 'outcome="dropped"') > 0);
    assert.equal(total(b, 'eddy_job_status', 'status="running"'), 1);
    assert.equal(total(b, 'eddy_job_status'), 1, 'one status at a time');
    assert.equal(total(b, 'eddy_job_restarts_total'), 0);
    assert.ok(Math.abs(total(b, 'eddy_job_start_time_seconds') - Date.now() / 1000) < 300, 'the start time is a Unix time in seconds');
    assert.ok(total(b, 'eddy_processing_latency_ms_count', 'kind="event_time"') > 0);
    assert.equal(total(b, 'eddy_processing_latency_ms_bucket', 'le="+Inf",kind="ingestion"') + total(b, 'eddy_processing_latency_ms_bucket', 'kind="ingestion",le="+Inf"'),
      total(b, 'eddy_processing_latency_ms_count', 'kind="ingestion"'));
    assert.ok(total(b, 'eddy_throughput_events_per_sec', 'direction="in"') > 0);
    assert.equal(total(b, 'eddy_operator_state_keys', 'operator="count per user"'), 5);
    assert.ok(total(b, 'eddy_source_watermark_lag_seconds', 'split="generator[1]"') > total(b, 'eddy_source_watermark_lag_seconds', 'split="generator[0]"'));

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
  const { url, port } = await job.web!;
  // The ended job's server answers with its final state; it can no longer be asked to do anything.
  const final = (await getJson(`${url}api/job`)).body;
  assert.deepEqual([final.status, final.final], ['cancelled', true]);
  assert.ok(final.endedAt >= final.startedAt && final.uptimeMs === final.endedAt - final.startedAt);
  const refused = await getJson(`${url}api/cancel`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /has ended \(cancelled\)/);
  assert.equal(total(parsePrometheus(await (await fetch(`${url}metrics`)).text()), 'eddy_job_status', 'status="cancelled"'), 1);
  await assert.rejects(job.queryState('counter', 'u1'), /not running/);
  // A later job of this process that wants the same address takes it over.
  const next = webJob({ web: { port } }).executeAsync('rest-next');
  try {
    assert.equal((await next.web!).port, port);
    // (a connection kept alive to the old server may be cut under the first request: retried)
    await eventually('the new job answers at the address', async () => (await getJson(`${url}api/job`).catch(() => null))?.body.name === 'rest-next');
  } finally {
    next.cancel();
    await next.result;
  }
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
  const history = (await getJson(`${url}api/checkpoints`)).body as { id: number; status: string; startedAt: number; durationMs: number; bytes: number }[];
  assert.ok(history.length >= 1 && history.every((c) => c.status === 'completed' && c.durationMs >= 0 && c.bytes > 0), JSON.stringify(history));
  const scraped = parsePrometheus(await (await fetch(`${url}metrics`)).text());
  assert.ok(total(scraped, 'eddy_checkpoints_total', 'status="completed"') >= 1);
  assert.equal(total(scraped, 'eddy_checkpoint_duration_seconds_count'), total(scraped, 'eddy_checkpoints_total', 'status="completed"'));
  assert.ok(total(scraped, 'eddy_checkpoint_pause_seconds_count') >= 1);
  assert.ok(total(scraped, 'eddy_checkpoint_last_size_bytes') > 0);
  const lastAt = total(scraped, 'eddy_checkpoint_last_completed_timestamp_seconds') * 1000;
  const newest = history.at(-1)!;
  assert.ok(Math.abs(lastAt - (newest.startedAt + newest.durationMs)) < 1, 'the time the newest checkpoint completed');
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

test('a job that ends at once: its server comes up anyway and shows the final state', async () => {
  const { StreamEnvironment, sinks } = await import('eddy');
  for (let i = 0; i < 3; i++) {
    const env = StreamEnvironment.create({ web: { port: 0 }, log: () => {} });
    env.fromCollection([1, 2, 3]).map((x) => x * 2).sinkTo(sinks.collect());
    const job = env.executeAsync(`short-${i}`);
    const result = await job.result;
    assert.equal(result.status, 'finished');
    const { url } = await job.web!;
    const body = (await getJson(`${url}api/job`)).body;
    assert.deepEqual([body.name, body.status, body.final, body.recordsIn, body.watermark], [`short-${i}`, 'finished', true, 3, '+Inf']);
  }
});

test('an open dashboard page gets the final state before the result settles', { timeout: 60_000 }, async () => {
  const { StreamEnvironment, sinks, sources } = await import('eddy');
  const env = StreamEnvironment.create({ web: { port: 0, sampleEveryMs: 100 }, log: () => {} });
  env.fromSource(sources.generator({ count: 3_000, ratePerSecond: 2_000, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers').sinkTo(sinks.collect());
  const job = env.executeAsync('watched');
  const { url } = await job.web!;
  // What the page got, and whether it asked before the job's result settled.
  const seen: { status: string; final: boolean; askedBeforeSettled: boolean }[] = [];
  let settled = false;
  const page = (async () => {
    while (!settled) {
      const asked = !settled;
      seen.push({ ...(await getJson(`${url}api/dashboard?page=p1&since=`)).body.job, askedBeforeSettled: asked });
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  const result = await job.result;
  settled = true;
  await page;
  assert.equal(result.status, 'finished');
  assert.ok(seen.some((j) => j.status === 'running'), 'the page saw the job run');
  // Without the wait, the result settles at the end and the page's next poll (up to 1 s later) comes after it.
  assert.ok(seen.some((j) => j.final && j.status === 'finished' && j.askedBeforeSettled), `the final state answered a poll made before the result settled: ${JSON.stringify(seen)}`);
});

test('a bounded job with a dashboard does not keep its process alive', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const ran = spawnSync(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', fileURLToPath(new URL('./fixtures/bounded-web-job.ts', import.meta.url))], {
    encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /^finished http:\/\/127\.0\.0\.1:\d+\/ finished\n$/);
  assert.ok(Date.now() - started < 30_000);
});
