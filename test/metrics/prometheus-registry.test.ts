import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, registerEddyMetrics, sinks, sources, type KeyedProcessFunction, type ValueState } from 'eddy';
import { EDDY_METRICS } from '../../src/metrics/eddy-metrics.ts';
import { LatencyHistogram, quantile } from '../../src/metrics/latency-histogram.ts';

interface Ev { user: string; ts: number }

/** The samples of a Prometheus text exposition: name{labels} -> value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

const sum = (samples: Map<string, number>, name: string, ...filters: string[]) => {
  let total = 0;
  for (const [k, v] of samples) if ((k === name || k.startsWith(`${name}{`)) && filters.every((f) => k.includes(f))) total += v;
  return total;
};
const has = (samples: Map<string, number>, name: string, filter = '') => [...samples.keys()].some((k) => (k === name || k.startsWith(`${name}{`)) && k.includes(filter));

/** An unbounded job: a keyed counter with state and a one-second window, records at `rate` a second. */
function countingJob(name: string, rate = 1_000) {
  const env = StreamEnvironment.create({ log: () => {} });
  const start = Date.now();
  const events = env.fromSource(sources.generator<Ev>({ ratePerSecond: rate, generate: (i) => ({ user: `u${i % 4}`, ts: start + i }) }),
    WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts), 'events');
  const counter: KeyedProcessFunction<string, Ev, number> & { n: ValueState<number> } = {
    n: undefined as never,
    open(ctx) {
      this.n = ctx.getState<number>('n');
    },
    processElement(_e, _ctx, out) {
      this.n.update((this.n.value() ?? 0) + 1);
      out.collect(1);
    },
  };
  events.keyBy((e) => e.user).process(counter).name('counter').sinkTo(sinks.collect());
  events.keyBy((e) => e.user).window(TumblingEventTimeWindows.of(1_000)).count().name('per second').sinkTo(sinks.collect());
  return env.executeAsync(name);
}

test('registerEddyMetrics: a service serves Eddy\'s metrics from its own registry on its own node:http server', { timeout: 60_000 }, async () => {
  const registry = new Registry();
  const job = countingJob('service-job');
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    registry.metrics().then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text), (e: Error) => res.writeHead(500).end(e.message));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    registerEddyMetrics(registry, job);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const scrape = async () => {
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      return parse(await res.text());
    };
    let a = await scrape();
    for (let i = 0; i < 100 && sum(a, 'eddy_operator_records_in_total', 'operator="counter"') === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      a = await scrape();
    }
    await new Promise((r) => setTimeout(r, 1_100)); // state sizes are read at most once a second
    const b = await scrape();
    assert.ok(sum(b, 'eddy_operator_records_in_total', 'eddy_job="service-job"', 'operator="counter"') > sum(a, 'eddy_operator_records_in_total', 'operator="counter"'), 'counters move between scrapes');
    assert.ok(sum(b, 'eddy_throughput_events_per_sec', 'direction="in"') > 100, 'records per second in since the previous scrape');
    assert.equal(sum(b, 'eddy_operator_state_keys', 'operator="counter"'), 4);
    assert.equal(sum(b, 'eddy_job_status', 'status="running"'), 1);
    assert.ok(has(b, 'eddy_processing_latency_seconds_bucket', 'le="+Inf"'));
    assert.ok(has(b, 'eddy_operator_watermark_seconds', 'operator="per second"'));
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds_count']) {
      assert.ok(has(b, name), `${name}: the Node.js runtime metrics are there by default`);
    }
    const CEP_ONLY = new Set(['eddy_operator_partial_matches', 'eddy_operator_buffered_events', 'eddy_operator_timed_out_matches_total']);
    for (const d of EDDY_METRICS) {
      // No checkpoints; the generator does not know its lag; no pattern operator.
      if (d.name.startsWith('eddy_checkpoint') || d.name === 'eddy_source_lag_records' || CEP_ONLY.has(d.name)) continue;
      assert.ok(has(b, d.type === 'histogram' ? `${d.name}_count` : d.name), `${d.name} has series`);
    }

    // A second job in the same registry has its own series; unregistering removes them.
    const other = countingJob('second-job', 200);
    const unregister = registerEddyMetrics(registry, other);
    const both = await scrape();
    assert.ok(has(both, 'eddy_operator_records_in_total', 'eddy_job="second-job"') && has(both, 'eddy_operator_records_in_total', 'eddy_job="service-job"'));
    unregister();
    assert.ok(!has(await scrape(), 'eddy_job_status', 'eddy_job="second-job"'));
    other.cancel();
    await other.result;
  } finally {
    job.cancel();
    await job.result;
    await new Promise((r) => server.close(r));
  }
  // After the end the series stay, with the final status, until the service unregisters the job.
  assert.equal(sum(parse(await registry.metrics()), 'eddy_job_status', 'status="cancelled"'), 1);
});

test('registerEddyMetrics leaves runtime metrics a service collects itself alone, and refuses names it did not register', async () => {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  const env = StreamEnvironment.create({ log: () => {} });
  env.fromCollection([1, 2, 3]).sinkTo(sinks.collect());
  const job = env.executeAsync('tiny');
  await job.result;
  registerEddyMetrics(own, job); // no "already registered" error
  assert.ok((await own.metrics()).includes('eddy_operator_records_in_total{eddy_job="tiny",operator="collection",kind="source"} 3'));
  const bare = new Registry();
  registerEddyMetrics(bare, job, { defaultMetrics: false });
  assert.ok(!(await bare.metrics()).includes('process_cpu_user_seconds_total'));
  // Registering the same job name again replaces it; another registry is independent.
  registerEddyMetrics(bare, job, { defaultMetrics: false });
  assert.equal((await bare.metrics()).match(/^eddy_job_status\{eddy_job="tiny",status="finished"\} 1$/gm)?.length, 1);
  // An OpenMetrics registry (it renames counters while rendering): still one _total.
  const shared = new Registry();
  registerEddyMetrics(shared, job);
  const open = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
  open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  registerEddyMetrics(open, job);
  for (let i = 0; i < 2; i++) {
    const text = await open.metrics();
    assert.match(text, /^# TYPE eddy_operator_records_in counter$/m);
    assert.match(text, /^eddy_operator_records_in_total\{eddy_job="tiny",operator="collection",kind="source"\} 3$/m);
    assert.doesNotMatch(text, /_total_total/);
    assert.match(text, /^process_cpu_user_seconds_total \S+$/m);
  }
  assert.match(await shared.metrics(), /^process_cpu_user_seconds_total \S+$/m, 'the collectors shared by plain registries keep their names');
  assert.match(await bare.metrics(), /^eddy_job_status/m);
  const clash = new Registry();
  clash.registerMetric({ name: 'eddy_job_restarts_total', help: 'x', type: 'counter', get: () => ({ name: 'eddy_job_restarts_total', help: 'x', type: 'counter', values: [], aggregator: 'sum' }), reset: () => {} } as never);
  assert.throws(() => registerEddyMetrics(clash, job), /already has metrics named eddy_job_restarts_total that Eddy did not register/);
});

test('a job that fails once: restarts, the exception, checkpoint durations as a histogram and the time of the last one', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-prom-'));
  try {
    let failed = false;
    const env = StreamEnvironment.create({
      log: () => {}, checkpoints: { dir, intervalMs: 100 }, restore: { from: 'fresh' }, restartStrategy: { kind: 'fixed-delay', delayMs: 50, maxAttempts: 2 },
    });
    env.fromSource(sources.generator({ count: 3_000, ratePerSecond: 3_000, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers')
      .map((i) => {
        if (i === 1_500 && !failed) {
          failed = true;
          throw new Error('boom at 1500');
        }
        return i;
      }).name('check').sinkTo(sinks.collect());
    const job = env.executeAsync('restarting');
    const registry = new Registry();
    registerEddyMetrics(registry, job, { defaultMetrics: false });
    const result = await job.result;
    assert.equal(result.restarts, 1);
    const s = parse(await registry.metrics());
    assert.equal(sum(s, 'eddy_job_restarts_total'), 1);
    assert.equal(sum(s, 'eddy_job_status', 'status="finished"'), 1);
    const completed = sum(s, 'eddy_checkpoints_total', 'status="completed"');
    assert.ok(completed >= 2, `checkpoints of both attempts count (${completed})`);
    assert.equal(sum(s, 'eddy_checkpoint_duration_seconds_count'), completed, 'the histogram keeps the first attempt\'s checkpoints');
    assert.equal(sum(s, 'eddy_checkpoint_duration_seconds_bucket', 'le="+Inf"'), completed);
    assert.ok(sum(s, 'eddy_checkpoint_duration_seconds_sum') > 0);
    const last = sum(s, 'eddy_checkpoint_last_completed_timestamp_seconds');
    assert.ok(last * 1000 <= Date.now() && last * 1000 > Date.now() - 60_000, `a Unix time in seconds (${last})`);
    const [e] = job.exceptions();
    assert.deepEqual([e.attempt, e.operator, e.restartInMs], [1, 'check', 50]);
    assert.match(e.message, /operator 'check' failed.*boom at 1500/);
    assert.match(e.stack!, /boom at 1500/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency of a replay: years fit the buckets, beyond 100 years is overflow (+Inf), never the last bound', async () => {
  const h = new LatencyHistogram();
  const YEAR = 365 * 86_400_000;
  for (let i = 0; i < 10; i++) h.observe(2 * YEAR);
  const years = quantile(h.snapshot(), null, 0.5);
  assert.ok(years > YEAR && years <= 10 * YEAR, `a replay's latency in years (${years / YEAR} y)`);
  for (let i = 0; i < 90; i++) h.observe(300 * YEAR);
  const snap = h.snapshot();
  assert.equal(snap.count - snap.cumulative.at(-1)!, 90, 'overflow is counted above the last bound');
  assert.equal(quantile(snap, null, 0.99), Number.POSITIVE_INFINITY);

  // End to end: event times 200 years old reach the sinks; Prometheus sees them only in +Inf.
  const env = StreamEnvironment.create({ log: () => {} });
  const old = Date.now() - 200 * YEAR;
  env.fromCollection(Array.from({ length: 100 }, (_, i) => old + i), WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((t) => t)).sinkTo(sinks.collect());
  const job = env.executeAsync('ancient');
  await job.result;
  const registry = new Registry();
  registerEddyMetrics(registry, job, { defaultMetrics: false });
  const s = parse(await registry.metrics());
  const count = sum(s, 'eddy_processing_latency_seconds_count', 'kind="event_time"');
  assert.ok(count > 0);
  assert.equal(sum(s, 'eddy_processing_latency_seconds_bucket', 'kind="event_time"', 'le="+Inf"'), count);
  assert.equal(sum(s, 'eddy_processing_latency_seconds_bucket', 'kind="event_time"', 'le="3153600000"'), 0, 'none within 100 years');
  assert.equal(sum(s, 'eddy_processing_latency_ms_bucket', 'kind="event_time"', 'le="+Inf"'), count, 'the same in the ms histogram');
});

test('names follow Prometheus conventions; only the four well-known names keep ms and per-second units', () => {
  const legacy = ['eddy_processing_latency_ms', 'eddy_throughput_events_per_sec', 'eddy_watermark_lag_ms', 'eddy_checkpoint_duration_ms'];
  const names = EDDY_METRICS.map((m) => m.name);
  assert.equal(new Set(names).size, names.length, 'no name twice');
  for (const n of legacy) assert.ok(names.includes(n), n);
  for (const m of EDDY_METRICS) {
    assert.match(m.name, /^eddy_[a-z_]+$/);
    assert.equal(m.name.endsWith('_total'), m.type === 'counter', `${m.name}: counters and only counters end in _total`);
    if (legacy.includes(m.name)) continue;
    assert.doesNotMatch(m.name, /_ms(_|$)|_per_sec/, `${m.name}: durations in seconds, rates left to rate()`);
    if (m.unit === 'seconds' || m.unit === 'Unix seconds') assert.match(m.name, /_seconds(_total)?$/, m.name);
    if (m.unit === 'bytes') assert.match(m.name, /_bytes$/, m.name);
    assert.ok(!m.labels.includes('eddy_job') && !m.labels.includes('job'), `${m.name}: eddy_job is added to every series; job is Prometheus' own`);
  }
  assert.equal(EDDY_METRICS.find((m) => m.name === 'eddy_checkpoint_duration_seconds')?.type, 'histogram');
});
