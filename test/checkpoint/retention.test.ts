// Retention keeps `retain` complete checkpoints: a retired one whose state files a kept delta chain
// still references keeps those files and nothing else (no manifest, so no sink tokens: they may
// hold every record not yet published while a sink cannot commit), and the kept ones restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStateBackend, StreamEnvironment, WatermarkStrategy, sinks, type KeyedProcessFunction, type ValueState } from 'eddy';
import { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage.ts';
import { openCheckpoint } from '../../src/checkpoint/open-checkpoint.ts';
import { readKeyedState } from '../../src/checkpoint/inspect.ts';
import type { Manifest } from '../../src/checkpoint/manifest.ts';
import { pacedNumbers } from './paced-numbers.ts';

const COUNT = 6_000;
const RETAIN = 2;

for (const backend of ['heap', 'lmdb'] as const) {
  test(`retention (${backend}): ${RETAIN} manifests remain; retired checkpoints keep only the state files a kept chain references`, { timeout: 120_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-retain-'));
    try {
      const ckpt = join(root, 'ckpt');
      const env = StreamEnvironment.create({
        batchSize: 50, log: () => {},
        checkpoints: { dir: ckpt, intervalMs: 1, retain: RETAIN, maxDeltaChain: 6 },
        stateBackend: backend === 'lmdb' ? LmdbStateBackend.inDirectory(join(root, 'state')) : undefined,
      });
      type Fn = KeyedProcessFunction<number, number, number> & { c: ValueState<number> };
      const fn: Fn = { c: undefined as never, open(ctx) { this.c = ctx.getState<number>('c'); }, processElement() { this.c.update((this.c.value() ?? 0) + 1); } };
      env.fromSource(pacedNumbers(COUNT, 500), WatermarkStrategy.noWatermarks(), 'numbers')
        .keyBy((i) => i % 1_000).process(fn).uid('c').sinkTo(sinks.collect());
      const r = await env.execute();
      assert.ok(r.checkpoints.filter((c) => c.status === 'completed').length >= 6, 'many checkpoints');

      const dirs = readdirSync(ckpt).filter((d) => d.startsWith('chk-')).sort();
      const withManifest = dirs.filter((d) => existsSync(join(ckpt, d, 'MANIFEST.json')));
      assert.equal(withManifest.length, RETAIN, dirs.join(', '));
      const referenced = new Set<string>();
      for (const d of withManifest) {
        const m = JSON.parse(readFileSync(join(ckpt, d, 'MANIFEST.json'), 'utf8')) as Manifest;
        for (const op of m.operators) for (const ref of [...(op.local ? [op.local] : []), ...op.keyed]) referenced.add(ref.path);
      }
      const retired = dirs.filter((x) => !withManifest.includes(x));
      assert.ok(retired.length > 0, 'a kept chain reaches back into a retired checkpoint');
      for (const d of retired) {
        const files = readdirSync(join(ckpt, d));
        assert.ok(files.length > 0, `${d} is left empty`);
        for (const f of files) assert.ok([...referenced].some((p) => p === `${d}/${f}` || p.startsWith(`${d}/${f}/`)), `${d}/${f} is kept though no manifest references it`);
      }
      // The kept checkpoints verify and hold every record's count.
      const latest = (await new CheckpointStorage(ckpt).latestValid(() => {}))!;
      const state = await readKeyedState(await openCheckpoint(join(ckpt, latest.dir)), 'c');
      let total = 0;
      for (const [, v] of state.table<number>('c').entries()) total += v;
      state.close();
      assert.equal(total, COUNT);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
