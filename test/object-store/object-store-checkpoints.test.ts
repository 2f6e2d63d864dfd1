// Checkpoints in an S3-compatible object store (the real s3proxy that scripts/s3proxy/up.sh starts):
// retention, restore of heap and LMDB state, a checkpoint without its manifest passed over,
// savepoints and `eddy inspect` on s3:// locations, and errors that say what and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sinks, sources, type KeyedProcessFunction, type ValueState } from 'eddy';
import { storeAt } from '../../src/checkpoint/checkpoint-location.ts';
import { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage.ts';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';
import { readKeyedState } from '../../src/checkpoint/inspect.ts';
import type { Manifest } from '../../src/checkpoint/manifest.ts';
import { createBucket, listKeys, s3Client, s3Options } from './s3-test-env.ts';

const COUNT = 6_000;
const RETAIN = 2;

type Counter = KeyedProcessFunction<number, number, number> & { c: ValueState<number> };
const counter = (): Counter => ({ c: undefined as never, open(ctx) { this.c = ctx.getState<number>('c'); }, processElement() { this.c.update((this.c.value() ?? 0) + 1); } });

function countingJob(dir: string, root: string, backend: 'heap' | 'lmdb', extra: { restore?: { from: 'path'; path: string; allowNonRestoredState: boolean } } = {}, source = 'numbers') {
  const env = StreamEnvironment.create({
    batchSize: 50, log: () => {},
    checkpoints: { dir, intervalMs: 1, retain: RETAIN, maxDeltaChain: 4, objectStore: s3Options(), localDir: join(root, 'local') },
    stateBackend: backend === 'lmdb' ? LmdbStateBackend.inDirectory(join(root, 'state')) : undefined,
    ...extra,
  });
  env.fromSource(sources.generator({ count: COUNT, ratePerSecond: 5_000, generate: (i) => i }), WatermarkStrategy.noWatermarks(), source)
    .keyBy((i) => i % 1_000).process(counter()).uid('c').sinkTo(sinks.collect());
  return env;
}

async function totalCount(location: string): Promise<number> {
  const state = await readKeyedState(await openCheckpoint(location, { objectStore: s3Options() }), 'c');
  let total = 0;
  for (const [, v] of state.table<number>('c').entries()) total += v;
  state.close();
  return total;
}

for (const backend of ['heap', 'lmdb'] as const) {
  test(`s3 checkpoints (${backend}): ${RETAIN} manifests remain, retired ones keep only referenced files, the newest restores`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-s3-'));
    try {
      const bucket = await createBucket('eddy-ckpt');
      const r = await countingJob(`s3://${bucket}/jobs/count`, root, backend).execute();
      const done = r.checkpoints.filter((c) => c.status === 'completed');
      assert.ok(done.length >= 6, `many checkpoints (${r.checkpoints.map((c) => c.error ?? c.status).join(', ')})`);
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
      t.diagnostic(`${backend}: ${done.length} checkpoints to s3proxy, median ${median(done.map((c) => c.durationMs))} ms, ` +
        `median ${median(done.map((c) => c.bytes))} bytes; load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);

      const keys = await listKeys(bucket, 'jobs/count');
      const manifests = keys.filter((k) => k.endsWith('/MANIFEST.json'));
      assert.equal(manifests.length, RETAIN, keys.join(', '));
      const referenced = new Set<string>();
      for (const k of manifests) {
        const m = JSON.parse((await s3Client().send('GET', bucket, `jobs/count/${k}`)).body.toString('utf8')) as Manifest;
        for (const op of m.operators) for (const ref of [...(op.local ? [op.local] : []), ...op.keyed]) referenced.add(ref.path);
      }
      for (const k of keys) assert.ok(manifests.includes(k) || referenced.has(k), `${k} is kept though no manifest references it`);
      if (backend === 'lmdb') assert.ok([...referenced].some((p) => p.endsWith('-keyed-lmdb/data.mdb')), 'an LMDB copy is uploaded as a file');

      const started = performance.now();
      assert.equal(await totalCount(`s3://${bucket}/jobs/count`), COUNT);
      t.diagnostic(`${backend}: newest checkpoint opened, verified and its state read back in ${Math.round(performance.now() - started)} ms`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('s3: a checkpoint without its manifest, or with a file missing, is passed over at restore', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-s3-'));
  try {
    const bucket = await createBucket('eddy-partial');
    const dir = `s3://${bucket}/job`;
    await countingJob(dir, root, 'heap').execute();
    const storage = new CheckpointStorage(storeAt(dir, { objectStore: s3Options() }));
    const [newest, previous] = await storage.completedIds();
    // A checkpoint whose manifest never got written (the process died while it uploaded files).
    await s3Client().send('PUT', bucket, 'job/chk-999999/op1-local.bin', { body: 'half' });
    assert.equal((await storage.latestValid(() => {}))?.manifest.id, newest);
    assert.equal(await storage.highestId(), 999_999, 'new checkpoint ids come after the partial one');
    // The newest complete one loses a state file: the one before it is used, with the reason.
    const m = (await storage.latestValid(() => {}))!.manifest;
    const file = m.operators.flatMap((o) => [...(o.local ? [o.local] : []), ...o.keyed])[0];
    await s3Client().send('DELETE', bucket, `job/${file.path}`);
    const warnings: string[] = [];
    assert.equal((await storage.latestValid((w) => void warnings.push(w)))?.manifest.id, previous);
    assert.match(warnings.join('\n'), new RegExp(`checkpoint chk-0*${newest} in s3://${bucket}/job cannot be used: .*is missing`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('s3: a savepoint to an s3:// path, inspected and restored from', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-s3-'));
  try {
    const bucket = await createBucket('eddy-savepoint');
    const env = StreamEnvironment.create({
      batchSize: 50, log: () => {},
      checkpoints: { dir: `s3://${bucket}/ckpt`, intervalMs: 60_000, objectStore: s3Options(), localDir: join(root, 'local') },
    });
    env.fromSource(sources.generator({ count: 1_000_000, ratePerSecond: 20_000, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers')
      .keyBy((i) => i % 1_000).process(counter()).uid('c').sinkTo(sinks.collect());
    const job = await env.executeAsync('sp');
    const path = await job.stopWithSavepoint(`s3://${bucket}/savepoints/sp-1`);
    assert.equal(path, `s3://${bucket}/savepoints/sp-1`);
    await job.result;
    await assert.rejects(job.savepoint(path), /not running|already holds a savepoint/);
    const opened = await openCheckpoint(path, { objectStore: s3Options() });
    assert.equal(opened.manifest.kind, 'savepoint');
    const total = await totalCount(path);
    assert.ok(total > 0, 'the savepoint holds counts');

    // A new job (reading another source from its start) starts from it and counts on.
    const next = countingJob(`s3://${bucket}/ckpt2`, root, 'heap', { restore: { from: 'path', path, allowNonRestoredState: true } }, 'more');
    await next.execute();
    assert.equal(await totalCount(`s3://${bucket}/ckpt2`), total + COUNT);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('s3 errors say what and where: a missing bucket, rejected credentials, a server that is down', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-s3-'));
  try {
    const run = (dir: string, objectStore: ReturnType<typeof s3Options>) => {
      const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir, intervalMs: 1, tolerableFailures: 0, objectStore, localDir: join(root, 'local') } });
      env.fromSource(sources.generator({ count: 100, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers').sinkTo(sinks.collect());
      return env.execute('errors');
    };
    const o = s3Options();
    await assert.rejects(run('s3://eddy-no-such-bucket-42/job', o),
      /GET s3:\/\/eddy-no-such-bucket-42\/ at http:\/\/127\.0\.0\.1:\d+ refused: 404 NoSuchBucket.*the bucket 'eddy-no-such-bucket-42' does not exist at http:\/\/127\.0\.0\.1:\d+: create it/);
    const bucket = await createBucket('eddy-errors');
    await assert.rejects(run(`s3://${bucket}/job`, { ...o, credentials: { accessKeyId: 'eddy', secretAccessKey: 'wrong' } }),
      new RegExp(`s3://${bucket}/ at http://127\\.0\\.0\\.1:\\d+ refused: 403 .*refused the credentials: check checkpoints\\.objectStore\\.credentials or AWS_ACCESS_KEY_ID`));
    // Port 29109 is this test's and nothing listens there.
    await assert.rejects(run(`s3://${bucket}/job`, { ...o, endpoint: 'http://127.0.0.1:29109' }),
      new RegExp(`s3://${bucket}/ at http://127\\.0\\.0\\.1:29109 failed: cannot reach http://127\\.0\\.0\\.1:29109 \\(ECONNREFUSED\\); is the object store running there\\?`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
