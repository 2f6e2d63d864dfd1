import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, OutputTag, sources, sinks, type KeyedProcessFunction, type ValueState,
} from 'eddy';

interface Ev { k: string; ts: number; v: number }
const generate = (i: number): Ev => ({ k: `k${(i * 7919) % 13}`, ts: i * 10 - ((i * 31) % 7) * 40 - (i % 97 === 0 ? 3_000 : 0), v: i % 5 });

/** Reads committed output: visible part files (or a plain file), lines in file-name order. */
function committed(path: string): unknown[] {
  if (!existsSync(path)) return [];
  const files = readdirSync(path).filter((n) => !n.startsWith('.')).sort();
  return files.flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

function build(env: StreamEnvironment, out: string, failAt: { after: number; when: () => boolean } | null) {
  const late = new OutputTag<Ev>('late');
  let seen = 0;
  const events = env.fromSource(sources.generator({ count: 200_000, generate }),
    WatermarkStrategy.forBoundedOutOfOrderness<Ev>(100).withTimestampAssigner((e) => e.ts), 'events')
    .map((e) => {
      // Fails once past `after` records and once something has been committed (checked every 500).
      if (failAt !== null && ++seen >= failAt.after && seen % 500 === 0 && failAt.when()) throw new Error('injected failure');
      return e;
    }).name('maybe-fail');
  const counts = events.keyBy((e) => e.k).window(TumblingEventTimeWindows.of(1_000)).allowedLateness(100).sideOutputLateData(late).sum((e) => e.v).uid('sums');
  counts.sinkTo(sinks.jsonl(join(out, 'sums')));
  counts.getSideOutput(late).sinkTo(sinks.jsonl(join(out, 'late')));
  type Fn = KeyedProcessFunction<string, Ev, string> & { total: ValueState<number> };
  const fn: Fn = {
    total: undefined as never,
    open(ctx) { this.total = ctx.getState<number>('total'); },
    processElement(e, ctx) {
      this.total.update((this.total.value() ?? 0) + e.v);
      ctx.timerService().registerEventTimeTimer(Math.floor(e.ts / 5_000) * 5_000 + 4_999);
    },
    onTimer(ts, ctx, out) { out.collect(`${ctx.getCurrentKey()}@${ts}=${this.total.value()}`); },
  };
  events.keyBy((e) => e.k).process(fn).uid('totals').sinkTo(sinks.jsonl(join(out, 'totals')));
}

test('a failed job resumes from its latest checkpoint: committed output equals an uninterrupted run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-recovery-'));
  const opts = (dir: string) => ({ batchSize: 64, log: () => {}, checkpoints: { dir, intervalMs: 1 } });

  const clean = join(root, 'clean');
  const envClean = StreamEnvironment.create(opts(join(clean, 'ckpt')));
  build(envClean, clean, null);
  const r0 = await envClean.execute('job');
  assert.ok(r0.checkpoints.filter((c) => c.status === 'completed').length >= 2);

  const crashed = join(root, 'crashed');
  const env1 = StreamEnvironment.create(opts(join(crashed, 'ckpt')));
  build(env1, crashed, { after: 10_000, when: () => committed(join(crashed, 'sums')).length > 0 });
  await assert.rejects(env1.execute('job'), /injected failure/);
  const before = committed(join(crashed, 'sums')).length;
  assert.ok(before > 0, 'some output was committed before the failure');

  const env2 = StreamEnvironment.create(opts(join(crashed, 'ckpt')));
  build(env2, crashed, null);
  await env2.execute('job');

  for (const name of ['sums', 'late', 'totals']) {
    const a = committed(join(clean, name)).map((x) => JSON.stringify(x)).sort();
    const b = committed(join(crashed, name)).map((x) => JSON.stringify(x)).sort();
    assert.equal(b.length, a.length, `${name}: ${b.length} records after recovery, ${a.length} without`);
    assert.deepEqual(b, a, name);
  }
  assert.ok(committed(join(clean, 'late')).length > 0, 'the input has late data');
});

test('fresh start clears earlier checkpoints and output', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-fresh-'));
  const run = async (restore: { from: 'latest' } | { from: 'fresh' }) => {
    const env = StreamEnvironment.create({ batchSize: 64, log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 }, restore });
    build(env, root, null);
    return env.execute('job');
  };
  await run({ from: 'latest' });
  const n = committed(join(root, 'sums')).length;
  const again = await run({ from: 'latest' });
  assert.equal(again.metrics.recordsIn, 0, 'a finished job resumes at its end');
  assert.equal(committed(join(root, 'sums')).length, n);
  await run({ from: 'fresh' });
  assert.equal(committed(join(root, 'sums')).length, n, 'fresh: same output once, not twice');
});
