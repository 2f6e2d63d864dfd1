import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputTag, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, type Sink } from 'eddy';
import { LatencyHistogram, quantile } from '../../src/metrics/latency-histogram.ts';
import { MetricsHistory } from '../../src/metrics/metrics-history.ts';
import { SampleRing } from '../../src/metrics/sample-ring.ts';
import type { JobMetricsSnapshot } from '../../src/metrics/operator-metrics.ts';

interface Click { page: string; ts: number }

test('env.metrics(): busy time, latency at the sinks, source splits, late samples', async () => {
  const env = StreamEnvironment.create({ batchSize: 64 });
  const clicks: Click[] = [];
  for (let i = 0; i < 5_000; i++) clicks.push({ page: `/p${i % 7}`, ts: i * 10 });
  clicks.push({ page: '/late', ts: 5 }); // the watermark is near 50 s by now: its window has closed
  env.fromCollection(clicks, WatermarkStrategy.forBoundedOutOfOrderness<Click>(0).withTimestampAssigner((c) => c.ts), 'clicks')
    .map((c) => {
      let h = 0;
      for (let k = 0; k < 200; k++) h = (h * 31 + k + c.ts) | 0; // some work to measure
      return { ...c, h };
    }).name('hash')
    .keyBy((c) => c.page).window(TumblingEventTimeWindows.of(1_000)).count()
    .sinkTo(sinks.collect());
  const result = await env.execute('metrics');
  const m = env.metrics()!;
  assert.equal(m.recordsIn, 5_001);
  const hash = m.operators.find((o) => o.name === 'hash')!;
  assert.ok(hash.busyMs > 0, `the map was busy (${hash.busyMs} ms)`);
  assert.ok(m.operators.every((o) => o.busyMs >= 0), 'nested time is not counted twice');
  assert.equal(m.lateDropped, 1);
  assert.ok(m.latency!.eventTime.count > 0 && m.latency!.ingestion.count > 0, 'latency sampled at the sink');
  assert.equal(m.latency!.eventTime.cumulative.at(-1)! <= m.latency!.eventTime.count, true);
  assert.deepEqual(m.sources!.map((s) => [s.name, s.splits.length]), [['clicks', 1]]);
  assert.equal(result.metrics.lateDropped, 1);
});

test('late records and dead letters are kept as samples, bounded per operator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-samples-'));
  try {
    const file = join(dir, 'in.jsonl');
    const lines = ['{"page":"/a","ts":100000}', 'not json', ...Array.from({ length: 30 }, (_, i) => `{"page":"/old","ts":${i}}`)];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const env = StreamEnvironment.create({ log: () => {}, batchSize: 1 }); // one record per batch: the watermark moves between them
    env.fromSource(sources.jsonl<Click>(file), WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts), 'in')
      .keyBy((c) => c.page).window(TumblingEventTimeWindows.of(1_000)).count().name('counts')
      .sinkTo(sinks.collect());
    const job = env.executeAsync('samples');
    await job.result;
    const samples = job.samples();
    const dead = samples.filter((s) => s.kind === 'dead-letter');
    const late = samples.filter((s) => s.kind === 'late');
    assert.equal(dead.length, 1);
    assert.equal(dead[0].preview, 'not json');
    assert.match(dead[0].reason, /in\.jsonl:2/);
    assert.equal(job.metrics().lateDropped, 30);
    assert.equal(late.length, 20, 'only the last 20 late records of an operator are kept');
    assert.equal(late.at(-1)!.preview, '{"page":"/old","ts":29}');
    assert.equal(late[0].operator, 'counts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sink over its capacity: its wait is its backpressured time and that of every operator upstream', async () => {
  let backlog = 0;
  const slow: Sink<number> = {
    kind: 'slow', describe: () => 'slow',
    createWriter: () => ({
      open: async () => {},
      write: (_v, _t, n) => void (backlog += n),
      get backlog() { return backlog; },
      capacity: 10,
      flush: async () => {
        await new Promise((r) => setTimeout(r, 3));
        backlog = 0;
      },
      close: async () => {},
    }),
  };
  const env = StreamEnvironment.create({ batchSize: 32 });
  env.fromCollection(Array.from({ length: 2_000 }, (_, i) => i), undefined, 'numbers').map((x) => x + 1).name('inc').sinkTo(slow);
  await env.execute('backpressure');
  const m = env.metrics()!;
  const by = (name: string) => m.operators.find((o) => o.name === name)!;
  const sink = m.operators.find((o) => o.kind === 'sink')!;
  assert.ok(sink.backpressuredMs >= 3 * 20, `the job waited for the sink (${sink.backpressuredMs} ms)`);
  assert.equal(by('inc').backpressuredMs, sink.backpressuredMs);
  assert.equal(by('numbers').backpressuredMs, sink.backpressuredMs);
});

test('histogram quantiles over an interval, and the bounded sample ring', () => {
  const h = new LatencyHistogram();
  for (let i = 0; i < 100; i++) h.observe(3); // bucket (2.5, 5]
  const before = h.snapshot();
  for (let i = 0; i < 100; i++) h.observe(700); // bucket (500, 1000]
  const after = h.snapshot();
  assert.equal(after.count, 200);
  assert.equal(after.sum, 300 + 70_000);
  const p50 = quantile(after, before, 0.5);
  assert.ok(p50 > 500 && p50 <= 1_000, `only the interval's observations count (${p50})`);
  assert.ok(quantile(after, null, 0.25) <= 5);
  assert.ok(Number.isNaN(quantile(before, before, 0.5)));
  const ring = new SampleRing(3);
  for (let i = 0; i < 5; i++) ring.add({ at: i, operator: 'w', kind: 'late', time: i, preview: String(i), reason: '' });
  assert.deepEqual(ring.list().map((s) => s.at), [2, 3, 4]);
});

test('history: rates per second between snapshots, capacity bounded', () => {
  const snap = (now: number, n: number): JobMetricsSnapshot => ({
    job: 'j', startedAt: 0, now, recordsIn: n, recordsOut: n / 2, lateDropped: 0, lateToSideOutput: 0, deadLetters: 0, watermark: now - 500,
    operators: [{ id: 0, kind: 'source', name: 's', recordsIn: 0, recordsOut: n, lateDropped: 0, lateToSideOutput: 0, deadLetters: 0, unconsumedSideOutput: 0, watermark: now, busyMs: now / 4, backpressuredMs: 0, stateKeys: 0, stateBytes: 0, partialMatches: 0, bufferedEvents: 0, timedOutMatches: 0 }],
  });
  const h = new MetricsHistory(10);
  for (let i = 0; i <= 20; i++) h.add(snap(i * 1_000, i * 500));
  const points = h.points();
  assert.equal(points.length, 10);
  assert.equal(points[0].at, 11_000);
  assert.equal(h.throughput(), 500);
  assert.equal(points.at(-1)!.outPerSec, 250);
  assert.equal(points.at(-1)!.watermarkLagMs, 500);
  assert.deepEqual(h.operatorRates(), [{ id: 0, inPerSec: 0, outPerSec: 500, busy: 0.25, backpressured: 0 }]);
});

test('late records sent to a side output are sampled too, with the side output named', async () => {
  const env = StreamEnvironment.create({ log: () => {}, batchSize: 1 });
  const late = new OutputTag<Click>('late-clicks');
  const clicks = [{ page: '/a', ts: 100_000 }, { page: '/old', ts: 5 }, { page: '/b', ts: 200_000 }, { page: '/older', ts: 7 }];
  const counts = env.fromCollection(clicks, WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts), 'in')
    .keyBy((c) => c.page).window(TumblingEventTimeWindows.of(1_000)).sideOutputLateData(late).count().name('counts');
  counts.sinkTo(sinks.collect());
  const side = sinks.collect<Click>();
  counts.getSideOutput(late).sinkTo(side);
  const job = env.executeAsync('side-samples');
  await job.result;
  assert.deepEqual(side.values.map((c) => c.page), ['/old', '/older']);
  const samples = job.samples().filter((s) => s.kind === 'late');
  assert.deepEqual(samples.map((s) => s.preview), ['{"page":"/old","ts":5}', '{"page":"/older","ts":7}']);
  assert.match(samples[0].reason, /^sent to side output 'late-clicks': its windows had closed/);
  assert.equal(job.metrics().lateToSideOutput, 2);
});
