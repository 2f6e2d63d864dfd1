import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokers, createTopic, produce, readTopic, uniqueName, values } from './kafka-test-env.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOB = fileURLToPath(new URL('./fixtures/eo-job.ts', import.meta.url));

interface Out { id: number; k: string; n: number }

/** Runs the job; kills it with SIGKILL after `killAfterMs` unless it ends first. */
function run(args: string[], killAfterMs: number | null): Promise<{ finished: boolean; killed: boolean; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', JOB, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === null ? null : setTimeout(() => { killed = true; child.kill('SIGKILL'); }, killAfterMs);
    child.on('exit', (_code, signal) => {
      if (timer !== null) clearTimeout(timer);
      resolve({ finished: stdout.includes('finished'), killed, signal, stderr });
    });
  });
}

test('exactly-once under SIGKILL: the output read with read_committed equals the oracle (nothing lost, nothing duplicated)', { timeout: 240_000 }, async () => {
  const b = brokers();
  const input = uniqueName('eo-in');
  const output = uniqueName('eo-out');
  await createTopic(input, 3);
  await createTopic(output, 2);
  const N = 80_000;
  const records: [number, string, unknown][] = [];
  for (let i = 0; i < N; i++) records.push([i % 3, `k${i % 11}`, { id: i, k: `k${i % 11}` }]);
  await produce(input, records);
  const ckpt = join(mkdtempSync(join(tmpdir(), 'eddy-kafka-eo-')), 'ckpt');
  // Kill points spread from "before anything is committed" to "mid-run", seeded (no Math.random).
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kills: string[] = [];
  let finished = false;
  for (let attempt = 0; attempt < 40 && !finished; attempt++) {
    // Kill points measured in progress, not time, so a fast machine cannot outrun them: every
    // second run kills itself between a completed checkpoint and its Kafka commit, the others
    // after a seeded number of records (6 x at most 9,000 < the 80,000 to do). Then a few runs
    // killed after a wall-clock delay, which land or not depending on the machine's speed.
    const selfKill = attempt < 12 && attempt % 2 === 1 ? 1 + Math.floor(rand() * 2) : 0;
    const afterRecords = attempt < 12 && attempt % 2 === 0 ? 1_000 + Math.floor(rand() * 8_000) : 0;
    const killAfter = attempt >= 12 && attempt < 15 ? 300 + Math.floor(rand() * 900) : null;
    const r = await run([b, input, output, ckpt, String(selfKill), String(afterRecords)], killAfter);
    if (r.killed) kills.push(`${killAfter} ms`);
    else if (r.signal === 'SIGKILL') kills.push(selfKill > 0 ? `before commit ${selfKill}` : `after ${afterRecords} records`);
    else if (!r.finished && r.signal !== 'SIGKILL') assert.fail(`the job failed on its own: ${r.stderr.slice(-2000)}`);
    finished = r.finished;
  }
  assert.ok(finished, 'the job never finished');
  process.stdout.write(`# exactly-once crash test: ${kills.length} SIGKILLs: ${kills.join(', ')}\n`);
  assert.ok(kills.filter((k) => k.startsWith('before')).length >= 5 && kills.filter((k) => k.startsWith('after')).length >= 5, `only ${kills.length} runs were killed before finishing: ${kills.join(', ')}`);

  // Oracle: every input record once; per key, the running counts are exactly 1..count (state
  // and source offsets were restored from the same checkpoint as the sink's transaction).
  const out = values<Out>(await readTopic(output, { expected: N, timeoutMs: 30_000, settleMs: 1500 }));
  const ids = out.map((o) => o.id).sort((a, c) => a - c);
  const dupes = ids.filter((id, i) => i > 0 && ids[i - 1] === id).length;
  assert.equal(dupes, 0, 'duplicated records in read_committed output');
  assert.equal(ids.length, N, 'lost records');
  assert.deepEqual(ids, records.map((r) => (r[2] as { id: number }).id));
  // Per key, the counts seen are exactly 1..count: state and offsets were restored together.
  const counts = new Map<string, number[]>();
  for (const o of out) counts.set(o.k, [...(counts.get(o.k) ?? []), o.n]);
  for (const [k, ns] of counts) {
    ns.sort((a, c) => a - c);
    assert.deepEqual(ns, ns.map((_, i) => i + 1), `counts of key ${k}`);
  }
});
