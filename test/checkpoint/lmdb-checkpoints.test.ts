// LMDB keyed state checkpointed as LMDB copies: a failing job restarted from them produces the
// output of an uninterrupted run, a copy can be read back by another backend, and corrupted LMDB
// files at a restart (the live state, a checkpoint's copy) cost a fallback, never the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeapStateBackend, LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sources, sinks, type KeyedProcessFunction, type ValueState } from 'eddy';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';
import { readKeyedState } from '../../src/checkpoint/inspect.ts';
import { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage.ts';
import type { Manifest } from '../../src/checkpoint/manifest.ts';
import { corruptFile } from '../faults/fault-scenarios.ts';

const COUNT = 30_000;
const KEYS = 700;

function build(env: StreamEnvironment, out: string, fail: { at: number | null }, ratePerSecond?: number) {
  type Fn = KeyedProcessFunction<number, number, string> & { sum: ValueState<{ n: number; sum: number }> };
  const fn: Fn = {
    sum: undefined as never,
    open(ctx) { this.sum = ctx.getState('sum'); },
    processElement(i, _ctx, out) {
      if (i === fail.at) {
        fail.at = null;
        throw new Error('injected failure');
      }
      const cur = this.sum.value() ?? { n: 0, sum: 0 };
      const next = { n: cur.n + 1, sum: cur.sum + i };
      this.sum.update(next);
      out.collect(`${i % KEYS}:${next.n}:${next.sum}`);
    },
  };
  env.fromSource(sources.generator({ count: COUNT, ratePerSecond, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers')
    .keyBy((i) => i % KEYS).process(fn).uid('sums').sinkTo(sinks.jsonl(out));
}

/** Committed lines of a part-file directory, or of a plain file (a job without checkpoints). */
const lines = (path: string) => (statSync(path).isDirectory() ? readdirSync(path).filter((n) => !n.startsWith('.')).map((f) => join(path, f)) : [path])
  .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean)).sort();

test('LMDB state: checkpoints are LMDB copies; a failed job restarts from them and its committed output equals an uninterrupted run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-lmdb-ckpt-'));
  try {
    const clean = StreamEnvironment.create({ batchSize: 50, log: () => {} });
    build(clean, join(root, 'clean'), { at: null });
    await clean.execute('clean');

    const logs: string[] = [];
    // A 50-entry cache of 700 keys: flushes and evictions go on while copies run.
    const env = StreamEnvironment.create({
      batchSize: 50, log: (l) => void logs.push(l), stateBackend: LmdbStateBackend.inDirectory(join(root, 'state'), { cacheEntries: 50 }),
      checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1 }, restartStrategy: { kind: 'fixed-delay', delayMs: 1, maxAttempts: 1 },
    });
    build(env, join(root, 'out'), { at: 21_111 });
    const r = await env.execute('lmdb');
    assert.equal(r.restarts, 1, logs.join('\n'));
    assert.ok(logs.some((l) => /restoring job 'lmdb' from checkpoint/.test(l)), 'the restart restored a checkpoint');
    assert.deepEqual(lines(join(root, 'out')), lines(join(root, 'clean')));
    const last = r.checkpoints.filter((c) => c.status === 'completed').at(-1)!;
    // Every table counts: the 700 keys of 'sum' and the one row of Eddy's state-version table.
    assert.deepEqual(last.state?.map((s) => [s.operator, s.keys]), [['sums', KEYS + 1]], 'checkpoint records carry keyed state sizes');
    assert.ok(last.state![0].bytes > KEYS * 10, `${last.state![0].bytes} bytes`);

    const storage = new CheckpointStorage(join(root, 'ckpt'));
    const latest = await storage.latestValid(() => {});
    const keyed = latest!.manifest.operators.find((o) => o.id === 'sums')!.keyed;
    // An LMDB copy, then the deltas written on top of it (every key changes between two cuts here,
    // so they are few: a table where more than half the keys changed gets a copy instead).
    assert.equal(keyed[0].format, 'lmdb');
    assert.match(keyed[0].path, /op\d+-keyed-lmdb\/data\.mdb$/);
    assert.ok(keyed.slice(1).every((k) => k.format !== 'lmdb' && /keyed-delta\.bin$/.test(k.path)), keyed.map((k) => k.path).join(', '));

    // A flipped byte in the copy makes every checkpoint built on it unusable; the newest one that
    // is not (its own copy, or none) is used instead.
    const older = await storage.completedIds();
    const usesCopy = (id: number) => readFileSync(join(root, 'ckpt', `chk-${String(id).padStart(6, '0')}`, 'MANIFEST.json'), 'utf8').includes(keyed[0].path);
    const expected = older.find((id) => !usesCopy(id));
    const file = join(storage.location, keyed[0].path);
    const bytes = readFileSync(file);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length >> 1] ^= 1;
    writeFileSync(file, corrupt);
    const warnings: string[] = [];
    const fallback = await storage.latestValid((w) => void warnings.push(w));
    assert.equal(fallback?.dir, expected === undefined ? undefined : `chk-${String(expected).padStart(6, '0')}`);
    assert.match(warnings.join('\n'), /data\.mdb.*checksum mismatch/);
    writeFileSync(file, bytes);

    // Read back by the heap backend (as `eddy inspect` and a job moved to the heap do).
    const state: HeapStateBackend = await readKeyedState(await openCheckpoint(join(root, 'ckpt', latest!.dir)), 'sums');
    const sums = state.table<{ n: number; sum: number }>('sum');
    assert.equal(sums.size, KEYS);
    let n = 0;
    for (const [, v] of sums.entries()) n += v.n;
    assert.equal(n, COUNT, 'the final checkpoint counted every record once');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a corrupted LMDB file on restart: a live state file is discarded unopened; a corrupt checkpoint copy makes the job restore the previous checkpoint, saying what that costs; none usable: it refuses to start', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-lmdb-corrupt-'));
  try {
    const logs: string[] = [];
    // retain 3, a copy every other checkpoint: an older checkpoint with a copy of its own is kept.
    const env = (restore?: 'fresh') => StreamEnvironment.create({
      batchSize: 50, log: (l) => void logs.push(l), stateBackend: LmdbStateBackend.inDirectory(join(root, 'state')),
      checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1, retain: 3, maxDeltaChain: 1 }, restore: restore === undefined ? undefined : { from: restore },
    });
    const crashed = env();
    build(crashed, join(root, 'out'), { at: 21_111 }, 20_000); // about a second: many checkpoints before the failure
    await assert.rejects(crashed.execute('lmdb'), /injected failure/); // no restart strategy: the process would end here

    const storage = new CheckpointStorage(join(root, 'ckpt'));
    const ids = await storage.completedIds();
    const manifest = (id: number) => JSON.parse(readFileSync(join(root, 'ckpt', `chk-${String(id).padStart(6, '0')}`, 'MANIFEST.json'), 'utf8')) as Manifest;
    const copyOf = (id: number) => manifest(id).operators.find((o) => o.id === 'sums')!.keyed[0].path;
    const newest = ids[0];
    const previous = ids.find((id) => copyOf(id) !== copyOf(newest))!;
    assert.ok(previous !== undefined, `checkpoints ${ids.join(', ')} share one copy`);
    const position = (id: number) => (manifest(id).sources[0].position as number[])[0];
    const replayed = [position(previous), position(newest)];
    // The live state directory is scratch: garbage there must not stop the restart (LMDB crashed the process on it).
    writeFileSync(join(root, 'state', 'sums', 'data.mdb'), Buffer.alloc(64 << 10, 0x41));
    corruptFile(join(storage.location, copyOf(newest)));

    const restarted = env();
    build(restarted, join(root, 'out'), { at: null });
    await restarted.execute('lmdb');
    const chk = (id: number) => `chk-${String(id).padStart(6, '0')}`;
    assert.match(logs.join('\n'), new RegExp(`checkpoint ${chk(newest)} in .* cannot be used: .*data\\.mdb.*checksum mismatch; trying the previous one`));
    assert.ok(logs.includes(`restoring job 'lmdb' from checkpoint ${chk(previous)} in ${storage.location}, not the newest (${chk(newest)}, which cannot be used): ` +
      `output that sinks committed after ${chk(previous)} is written again as the job catches up`), logs.join('\n'));

    // State is exact; output has every record, and twice only those the skipped checkpoints had committed.
    const seen = new Map<number, number>();
    for (const line of lines(join(root, 'out'))) {
      const [k, n] = JSON.parse(line).split(':').map(Number) as number[];
      const i = k + (n - 1) * KEYS;
      seen.set(i, (seen.get(i) ?? 0) + 1);
    }
    assert.equal(seen.size, COUNT, 'every record is in the output');
    for (const [i, times] of seen) {
      if (times > 1) assert.ok(times === 2 && i >= replayed[0] && i < replayed[1], `record ${i} is in the output ${times} times (replayed: ${replayed.join('..')})`);
    }
    const final = await openCheckpoint(join(root, 'ckpt'));
    const state: HeapStateBackend = await readKeyedState(final, 'sums');
    let counted = 0;
    for (const [, v] of state.table<{ n: number; sum: number }>('sum').entries()) counted += v.n;
    assert.equal(counted, COUNT, 'the final state counted every record once');

    // No usable checkpoint at all: the job does not quietly start over (that would repeat all committed output).
    for (const id of await storage.completedIds()) writeFileSync(join(root, 'ckpt', chk(id), 'MANIFEST.json'), '{ truncated');
    const lost = env();
    build(lost, join(root, 'out'), { at: null });
    await assert.rejects(lost.execute('lmdb'), /job 'lmdb' does not start: none of its checkpoints in .* can be used .*restore: \{ from: 'fresh' \}, which deletes them/);
    const fresh = env('fresh');
    build(fresh, join(root, 'out-fresh'), { at: null });
    await fresh.execute('lmdb');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
