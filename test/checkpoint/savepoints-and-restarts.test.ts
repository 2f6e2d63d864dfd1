import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sources, sinks, type KeyedProcessFunction, type ValueState, type StateOptions } from 'eddy';
import { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage.ts';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';
import { readKeyedState } from '../../src/checkpoint/inspect.ts';

interface Ev { k: string; n: number }
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const committed = (path: string) => existsSync(path)
  ? readdirSync(path).filter((n) => !n.startsWith('.')).sort().flatMap((f) => readFileSync(join(path, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
  : [];

/** Running count per key, emitted per record; fails once at record `failAt` if given. */
function countJob(env: StreamEnvironment, out: string, opts: { count: number; failOnce?: { at: number; done: boolean }; stateOptions?: StateOptions; uid?: string; pace?: boolean; source?: string }) {
  type Fn = KeyedProcessFunction<string, Ev, { k: string; c: number }> & { c: ValueState<number> };
  const fn: Fn = {
    c: undefined as never,
    open(ctx) { this.c = ctx.getState<number>('count', opts.stateOptions); },
    processElement(e, ctx, out) {
      const f = opts.failOnce;
      if (f !== undefined && !f.done && e.n === f.at) {
        f.done = true;
        throw new Error(`boom at ${e.n}`);
      }
      const c = (this.c.value() ?? 0) + 1;
      this.c.update(c);
      out.collect({ k: ctx.getCurrentKey(), c });
    },
  };
  const src = sources.generator<Ev>({ count: opts.count, generate: (n) => ({ k: `k${n % 7}`, n }), ratePerSecond: opts.pace ? 20_000 : undefined });
  env.fromSource(src, WatermarkStrategy.noWatermarks(), opts.source ?? 'events').keyBy((e) => e.k).process(fn).uid(opts.uid ?? 'counter').sinkTo(sinks.jsonl(out));
}

test('a restart strategy restarts a failing job from its latest checkpoint, exactly once', async () => {
  const root = tmp('eddy-restart-');
  const logs: string[] = [];
  const env = StreamEnvironment.create({
    batchSize: 50, log: (l) => logs.push(l), checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 },
    restartStrategy: { kind: 'fixed-delay', delayMs: 1, maxAttempts: 2 },
  });
  countJob(env, join(root, 'out'), { count: 20_000, failOnce: { at: 15_000, done: false } });
  const r = await env.execute('count');
  assert.equal(r.restarts, 1);
  assert.match(logs.join('\n'), /failed \(attempt 1\): .*boom at 15000; restarting from the latest checkpoint/);
  const out = committed(join(root, 'out')) as { k: string; c: number }[];
  assert.equal(out.length, 20_000);
  for (let k = 0; k < 7; k++) {
    const cs = out.filter((o) => o.k === `k${k}`).map((o) => o.c).sort((a, b) => a - b);
    assert.deepEqual(cs, Array.from({ length: cs.length }, (_, i) => i + 1), `k${k} counts once each`);
  }
});

test('without attempts left the failure surfaces', async () => {
  const root = tmp('eddy-restart-');
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 }, restartStrategy: { kind: 'exponential-backoff', initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 0 } });
  countJob(env, join(root, 'out'), { count: 100, failOnce: { at: 50, done: false } });
  await assert.rejects(env.execute(), /boom at 50/);
  const noCheckpoints = StreamEnvironment.create({ restartStrategy: { kind: 'fixed-delay', delayMs: 1, maxAttempts: 1 } });
  noCheckpoints.fromCollection([1]).sinkTo(sinks.collect());
  assert.throws(() => noCheckpoints.executeAsync(), /restartStrategy needs checkpoints/);
});

test('a savepoint asked for while a failed job waits to restart is refused at once (it waited forever); the stop holds', async () => {
  const root = tmp('eddy-restart-savepoint-');
  const logs: string[] = [];
  const env = StreamEnvironment.create({
    batchSize: 50, log: (l) => logs.push(l), checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 },
    restartStrategy: { kind: 'fixed-delay', delayMs: 1_000, maxAttempts: 1 },
  });
  countJob(env, join(root, 'out'), { count: 5_000, failOnce: { at: 1_000, done: false } });
  const job = env.executeAsync('count');
  while (!logs.some((l) => /restarting from the latest checkpoint in 1000 ms/.test(l))) await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(job.savepoint(join(root, 'sp')), /job 'count' is not running \(it failed and may be restarting\): no savepoint taken/);
  await assert.rejects(job.stopWithSavepoint(join(root, 'sp')), /is not running/);
  // The stop holds: the attempt after the delay ends at once.
  assert.equal((await job.result).status, 'cancelled');
});

test('savepoint, then a changed job resumes from it by uid; unmatched state is an error unless allowed', async () => {
  const root = tmp('eddy-savepoint-');
  const env = StreamEnvironment.create({ batchSize: 100, log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 60_000 } });
  countJob(env, join(root, 'out1'), { count: 5_000_000, pace: true });
  const job = env.executeAsync('count');
  await new Promise((r) => setTimeout(r, 150));
  const sp = await job.stopWithSavepoint(join(root, 'savepoints', 'sp-1'));
  const first = await job.result;
  assert.equal(first.status, 'stopped');
  assert.ok(statSync(join(sp, 'MANIFEST.json')).isFile());
  const seen = (committed(join(root, 'out1')) as { k: string; c: number }[]);
  const maxBefore = Math.max(...seen.filter((o) => o.k === 'k0').map((o) => o.c));

  // A changed job: a new source (which starts from its beginning); the counter keeps its uid.
  const env2 = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt2'), intervalMs: 60_000 }, restore: { from: 'path', path: sp } });
  countJob(env2, join(root, 'out2'), { count: 14, source: 'events-v2' });
  await env2.execute('count-v2');
  const after = committed(join(root, 'out2')) as { k: string; c: number }[];
  const k0 = after.filter((o) => o.k === 'k0').map((o) => o.c);
  assert.ok(maxBefore > 0);
  assert.ok(k0.length > 0 && k0[0] > maxBefore, `count continues from the savepoint (${maxBefore} -> ${k0[0]})`);

  const env3 = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt3') }, restore: { from: 'path', path: sp } });
  countJob(env3, join(root, 'out3'), { count: 14, uid: 'renamed', source: 'events-v2' });
  await assert.rejects(env3.execute(), /state for operators this job does not have: 'counter'/);
  const env4 = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt4') }, restore: { from: 'path', path: sp, allowNonRestoredState: true } });
  countJob(env4, join(root, 'out4'), { count: 14, uid: 'renamed', source: 'events-v2' });
  await env4.execute();
  assert.equal((committed(join(root, 'out4')) as { c: number }[]).filter((o) => o.c === 1).length, 7, 'fresh state under the new uid');
});

test('state schema versions: a newer version needs a migrate function, which runs on restore', async () => {
  const root = tmp('eddy-schema-');
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt') } });
  countJob(env, join(root, 'out1'), { count: 70 });
  await env.execute();
  const again = (stateOptions: StateOptions) => {
    const e = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(root, 'ckpt') } });
    countJob(e, join(root, 'out2'), { count: 77, stateOptions });
    return e.execute();
  };
  await assert.rejects(again({ version: 2 }), /state 'count' was written with schema version 1 and the job declares 2: give it a migrate/);
  await again({ version: 2, migrate: (v) => (v as number) * 100 });
  const out = committed(join(root, 'out2')) as { k: string; c: number }[];
  assert.deepEqual(out.map((o) => o.c), Array(7).fill(1001), 'the 71st..77th records see the migrated counts');
});

test('a corrupted newest checkpoint is detected and the previous one is used, with a warning', async () => {
  const root = tmp('eddy-corrupt-');
  const logs: string[] = [];
  const env = StreamEnvironment.create({ batchSize: 100, log: (l) => logs.push(l), checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1, retain: 5 } });
  countJob(env, join(root, 'out'), { count: 3_000 });
  await env.execute();
  const dirs = readdirSync(join(root, 'ckpt')).filter((d) => d.startsWith('chk-')).sort();
  assert.ok(dirs.length >= 2, `${dirs.length} checkpoints kept`);
  assert.ok(dirs.length <= 5 + 8, 'old checkpoints are removed');
  const newest = dirs[dirs.length - 1];
  const stateFile = readdirSync(join(root, 'ckpt', newest)).find((f) => f.endsWith('.bin'))!;
  writeFileSync(join(root, 'ckpt', newest, stateFile), 'garbage');
  const env2 = StreamEnvironment.create({ log: (l) => logs.push(l), checkpoints: { dir: join(root, 'ckpt') } });
  countJob(env2, join(root, 'out'), { count: 3_000 });
  await env2.execute();
  assert.match(logs.join('\n'), new RegExp(`checkpoint ${newest} .* cannot be used: .*checksum mismatch|has \\d+ bytes, expected`));
  assert.match(logs.join('\n'), /restoring job 'job' from checkpoint chk-/);
});

for (const backend of ['heap', 'lmdb'] as const) {
  test(`checkpoints are incremental (${backend}): a delta costs what changed, not the whole state, and the chain restores`, async () => {
    const root = tmp('eddy-incremental-');
    // 50 000 keys first, then a trickle of updates to a few keys.
    const env = StreamEnvironment.create({
      batchSize: 1000, log: () => {}, checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1, retain: 20, maxDeltaChain: 50 },
      stateBackend: backend === 'lmdb' ? LmdbStateBackend.inDirectory(join(root, 'state')) : undefined,
    });
    const COUNT = 450_000;
    const gen = (n: number): Ev => ({ k: n < 50_000 ? `key-${n}` : `hot-${n % 3}`, n });
    type Fn = KeyedProcessFunction<string, Ev, number> & { c: ValueState<number> };
    const fn: Fn = { c: undefined as never, open(ctx) { this.c = ctx.getState<number>('c'); }, processElement() { this.c.update((this.c.value() ?? 0) + 1); } };
    env.fromSource(sources.generator({ count: COUNT, generate: gen }), WatermarkStrategy.noWatermarks(), 'events').keyBy((e) => e.k).process(fn).uid('c').sinkTo(sinks.collect());
    const r = await env.execute();
    const done = r.checkpoints.filter((c) => c.status === 'completed');
    assert.ok(done.length >= 3, `${done.length} checkpoints`);
    // A delta between two cuts in the update phase holds 3 keys; a full snapshot (or LMDB copy)
    // holds 50 003. (Which checkpoint that is depends on timing: a delta whose interval began in
    // the growth phase is large.)
    const biggest = Math.max(...done.map((c) => c.bytes));
    const smallest = Math.min(...done.map((c) => c.bytes));
    assert.ok(smallest < biggest / 20, `smallest checkpoint ${smallest} B vs the full one ${biggest} B (${done.map((c) => c.bytes).join(', ')})`);

    // The newest checkpoint is a chain: one full state (an LMDB copy for LMDB), then deltas; read
    // back as a restore does, it holds every record's count once.
    const latest = (await new CheckpointStorage(join(root, 'ckpt')).latestValid(() => {}))!;
    const keyed = latest.manifest.operators.find((o) => o.id === 'c')!.keyed;
    assert.ok(keyed.length >= 2, `a full state and at least one delta: ${keyed.map((k) => k.path).join(', ')}`);
    assert.equal(keyed[0].format === 'lmdb', backend === 'lmdb', keyed[0].path);
    assert.ok(keyed.slice(1).every((k) => /keyed-delta\.bin$/.test(k.path)), keyed.map((k) => k.path).join(', '));
    const state = await readKeyedState(await openCheckpoint(join(root, 'ckpt', latest.dir)), 'c');
    let total = 0;
    for (const [, v] of state.table<number>('c').entries()) total += v;
    assert.equal(total, COUNT);
    state.close();
  });
}

test('a failed final checkpoint fails the job (its output is not committed), and a rerun commits it', async () => {
  const root = tmp('eddy-final-');
  const ckpt = join(root, 'ckpt');
  const build = (block: boolean) => {
    const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: ckpt, intervalMs: 3_600_000 } });
    type Fn = KeyedProcessFunction<string, Ev, string>;
    const fn: Fn = {
      processElement(_e, ctx) { ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER); },
      onTimer(_ts, ctx, out) {
        // At the end of input: plain files where the next checkpoint directories would go.
        if (block) for (let id = 1; id <= 20; id++) writeFileSync(join(ckpt, `chk-${String(id).padStart(6, '0')}`), 'x');
        out.collect(ctx.getCurrentKey());
      },
    };
    env.fromSource(sources.generator<Ev>({ count: 10, generate: (n) => ({ k: `k${n % 2}`, n }) }), WatermarkStrategy.noWatermarks(), 'events')
      .keyBy((e) => e.k).process(fn).sinkTo(sinks.jsonl(join(root, 'out')));
    return env;
  };
  const { mkdirSync, rmSync } = await import('node:fs');
  mkdirSync(ckpt, { recursive: true });
  await assert.rejects(build(true).execute(), /the final checkpoint \(\d+\) failed, so the output since the previous checkpoint is not committed/);
  assert.deepEqual(committed(join(root, 'out')), []);
  for (let id = 1; id <= 20; id++) rmSync(join(ckpt, `chk-${String(id).padStart(6, '0')}`), { force: true, recursive: true });
  await build(false).execute();
  assert.deepEqual(committed(join(root, 'out')).sort(), ['k0', 'k1']);
});
