// A sink whose commit fails after its checkpoint is on disk (a broker or database outage between
// the two phases): the failures are counted in a row, the next checkpoint's commit publishes what
// is left, old checkpoints are retired before the commit is tried (so storage stays bounded while
// commits fail), and past `tolerableFailures` the job fails and a restart publishes through
// `recover`. Output is exact throughout. (The real servers: test/faults.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, type Sink } from 'eddy';
import { pacedNumbers } from './paced-numbers.ts';

const COUNT = 3_000;
const RETAIN = 2;
/** Records per chunk of the paced source: COUNT / CHUNK chunks, so at least that many commits. */
const CHUNK = 250;

/** The outside world of the fake two-phase sink: what it published, per checkpoint id. */
interface World {
  readonly published: number[];
  readonly publishedCheckpoints: Set<number>;
  /** Commits that fail, by call number (1-based, over the whole test). */
  readonly failing: (call: number) => boolean;
  commits: number;
  /** Complete checkpoints on disk at each commit call. */
  readonly onDisk: number[];
}

type Token = [number, number[]][];

/** Two-phase commit into `world`: pre-commit seals the records, commit publishes every sealed segment up to its checkpoint. */
function twoPhaseSink(world: World, ckpt: string): Sink<number> {
  return {
    kind: 'fake-2pc', describe: () => 'fake two-phase sink',
    createWriter: () => {
      let current: number[] = [];
      let sealed: Token = [];
      const publish = (segments: Token) => {
        for (const [id, records] of segments) {
          if (world.publishedCheckpoints.has(id)) continue; // idempotent, as the real sinks are
          world.publishedCheckpoints.add(id);
          world.published.push(...records);
        }
      };
      return {
        open: async () => {},
        write: (values, _t, n) => { for (let i = 0; i < n; i++) current.push(values[i]); },
        get backlog() { return current.length; },
        capacity: 1_000_000,
        flush: async () => {},
        close: async () => {},
        preCommit: async (id) => {
          if (current.length > 0) sealed.push([id, current]);
          current = [];
          return sealed.map(([i, r]) => [i, [...r]]);
        },
        commit: async (id) => {
          world.onDisk.push(readdirSync(ckpt).filter((d) => existsSync(join(ckpt, d, 'MANIFEST.json'))).length);
          if (world.failing(++world.commits)) throw new Error(`commit ${world.commits} refused (outage)`);
          publish(sealed.filter(([i]) => i <= id));
          sealed = sealed.filter(([i]) => i > id);
        },
        recover: async (token) => publish((token as Token | null) ?? []),
      };
    },
  };
}

function run(root: string, world: World, tolerableFailures: number, logs: string[], restarts: number) {
  const env = StreamEnvironment.create({
    batchSize: 25, log: (l) => void logs.push(l),
    checkpoints: { dir: join(root, 'ckpt'), intervalMs: 1, retain: RETAIN, tolerableFailures },
    restartStrategy: restarts > 0 ? { kind: 'fixed-delay', delayMs: 1, maxAttempts: restarts } : { kind: 'none' },
  });
  env.fromSource(pacedNumbers(COUNT, CHUNK, () => world.commits), WatermarkStrategy.noWatermarks(), 'numbers')
    .map((i) => i).uid('pass')
    .sinkTo(twoPhaseSink(world, join(root, 'ckpt'))).uid('out');
  return env.execute('commit-failures');
}

const world = (failing: (call: number) => boolean): World => ({ published: [], publishedCheckpoints: new Set(), failing, commits: 0, onDisk: [] });
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

test('failed commits within tolerableFailures: counted in a row, retried by the next commit, output exact, checkpoints retired meanwhile', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-commit-fail-'));
  try {
    const w = world((call) => call >= 5 && call <= 7); // three in a row
    const logs: string[] = [];
    const r = await run(root, w, 3, logs, 0);
    assert.equal(r.restarts, 0);
    const failed = logs.filter((l) => /^checkpoint \d+ failed/.test(l));
    assert.deepEqual(failed.map((l) => /\((\d+) in a row/.exec(l)![1]), ['1', '2', '3'], logs.join('\n'));
    assert.match(failed[0], /it is on disk, but committing its output failed \(the next checkpoint's commit.*\): commit 5 refused/);
    assert.deepEqual(sorted(w.published), Array.from({ length: COUNT }, (_, i) => i));
    assert.ok(w.onDisk.every((n) => n <= RETAIN), `complete checkpoints on disk at each commit: ${w.onDisk.join(', ')} (retain ${RETAIN})`);
    assert.equal(r.checkpoints.filter((c) => c.status === 'failed').length, 3);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('failed commits beyond tolerableFailures fail the job; the restart publishes what the checkpoint holds, output exact', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-commit-fail-'));
  try {
    const w = world((call) => call >= 4 && call <= 6); // 3 in a row, 2 tolerated
    const logs: string[] = [];
    const r = await run(root, w, 2, logs, 1);
    assert.equal(r.restarts, 1, logs.join('\n'));
    assert.ok(logs.some((l) => /job failed: 3 checkpoints failed in a row \(tolerated: 2\); last: it is on disk, but committing its output failed/.test(l)), logs.join('\n'));
    assert.deepEqual(sorted(w.published), Array.from({ length: COUNT }, (_, i) => i));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
