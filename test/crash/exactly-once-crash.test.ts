// Exactly-once under process death: the crash job (fixtures/crash-job.ts) runs in a child process
// and is SIGKILLed at chosen moments of its checkpoint cycle, restarted (restoring the newest valid
// checkpoint), killed again, until a run completes; its committed output must then equal, line for
// line, that of a run that was never killed. After every kill, what is visible must already be a
// part of that output: nothing uncommitted or duplicated is ever published.
//
// Input and kill schedule come from one seed (EDDY_CRASH_SEED to try another); the diagnostics list
// every kill point, what triggered it and the phase it landed in, read off what the dead process left.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as eddy from 'eddy';
import { checkCheckpoints } from './checkpoint-integrity.ts';
import { committedOutput, describeDifference, difference, hiddenFiles, type Output } from './committed-output.ts';
import { prng, writeCrashInput } from './crash-input.ts';
import {
  chkIds, describePlan, type FreezePoint, type FsTrigger, type JobArgs, type KillPlan, killAllJobs, runJob, SINKS,
} from './job-process.ts';
import { classifyKill, type KillSite } from './kill-phase.ts';

const SEED = Number(process.env.EDDY_CRASH_SEED ?? 20_240_611);
const PER_SOURCE = 30_000;
const EVENTS = 2 * PER_SOURCE;
/**
 * One run of the job takes about 1 s (0.4 s of it starting node and tsx) on a quiet machine, 5 to
 * 12 s at a load average of 20 on 2 cores; a stuck one fails the test.
 */
const RUN_TIMEOUT_MS = 60_000;
/** All trials of one backend: about 10 s on a quiet machine, 54 s (LMDB) and 90 s (heap) measured at a load average of 20. */
const TRIALS_TIMEOUT_MS = 240_000;
const BATCH = 32;
const INTERVAL_MS = 10;

const root = mkdtempSync(join(tmpdir(), 'eddy-crash-'));
const input = join(root, 'input');
let expected: Output;

after(() => {
  killAllJobs();
  rmSync(root, { recursive: true, force: true });
});

before(() => {
  const summary = writeCrashInput(input, { seed: SEED, perSource: { a: PER_SOURCE, b: PER_SOURCE }, files: { a: 3, b: 2 }, spanMs: 600_000 });
  assert.ok(summary.outOfBound > 1_000, 'the input has events behind the watermark bound');
});

function jobArgs(dir: string, backend: JobArgs['backend'], minPauseMs = 0): JobArgs {
  return {
    input, out: join(dir, 'out'), ckpt: join(dir, 'ckpt'), state: join(dir, 'state'), restore: 'fresh', backend, batch: BATCH, intervalMs: INTERVAL_MS, minPauseMs,
  };
}

/** The job run once without kills, from a fresh start: its committed output is what every trial must end with. */
async function oracle(backend: JobArgs['backend']): Promise<{ output: Output; checkpoints: number; ms: number }> {
  const args = jobArgs(join(root, `oracle-${backend}`), backend);
  const exit = await runJob(args, { kind: 'none' }, RUN_TIMEOUT_MS);
  assert.equal(exit.done?.recordsIn, EVENTS, 'the oracle run reads every event');
  assert.deepEqual(hiddenFiles(args.out), [], 'a finished run leaves no in-progress or pending part files');
  return { output: committedOutput(args.out), checkpoints: exit.done.checkpoints, ms: exit.ms };
}

/**
 * Kill plans of the trials: each trial starts fresh and is killed once per plan (each restart
 * restores the newest valid checkpoint), then runs to the end. Freeze points are placed by event
 * index, which does not depend on how fast the machine is; filesystem triggers skip fewer
 * occurrences in restarted runs, which have less left to do. The LMDB backend gets fewer trials,
 * aimed at the kills after which state comes back from a checkpoint.
 */
function schedule(seed: number, backend: JobArgs['backend']): KillPlan[][] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const at = (point: FreezePoint): KillPlan => ({ kind: 'freeze', at: point, after: int(1_000, PER_SOURCE - 2_000) });
  const only = (point: FreezePoint): KillPlan => ({ kind: 'freeze', at: point });
  const fs = (on: FsTrigger, first: boolean): KillPlan => ({ kind: 'fs', on, skip: first ? int(1, 3) : int(0, 1) });
  if (backend === 'lmdb') {
    return [
      [fs('chk-dir', true), fs('pending', false)],
      [fs('manifest-pending', true), only('mid-recover')],
      [at('after-precommit'), at('before-commit')],
      [at('mid-commit'), at('record'), only('final-before-commit')],
    ];
  }
  return [
    [{ kind: 'delay', ms: int(150, 450) }, fs('pending', false), { kind: 'delay', ms: int(500, 900) }],
    [fs('chk-dir', true), fs('manifest-tmp', false), at('record')],
    [fs('manifest-pending', true), at('mid-precommit'), only('mid-recover')],
    [at('after-precommit'), at('before-commit'), only('after-recover')],
    // Then the end of input: a restart replays the tail, or only publishes what the final checkpoint holds.
    [at('mid-commit'), only('final-after-precommit'), only('final-before-commit')],
  ];
}

/** One kill and where it landed. */
interface KillRecord {
  readonly trial: number;
  readonly run: number;
  readonly plan: string;
  readonly cause: string;
  readonly site: KillSite | null;
  readonly ms: number;
  readonly committedLines: number;
  /** Complete checkpoints left on disk whose state files are not all there (older than the newest). */
  readonly brokenOlder: readonly number[];
}

interface TrialResult {
  readonly kills: KillRecord[];
  readonly runs: number;
  /** Records the completing run read (it resumed from the newest checkpoint). */
  readonly lastRunRecords: number;
}

/** Runs one trial to completion; returns its kills. Asserts the invariant after each kill and the result at the end. */
async function trial(backend: JobArgs['backend'], n: number, plans: readonly KillPlan[]): Promise<TrialResult> {
  const dir = join(root, `${backend}-trial-${n}`);
  // Checkpoints take longer than the interval (every file is fsynced), so without a pause one is
  // always being written; odd trials leave 25 ms of plain processing between checkpoints.
  const base = jobArgs(dir, backend, n % 2 === 1 ? 25 : 0);
  const kills: KillRecord[] = [];
  for (let run = 0; ; run++) {
    assert.ok(run < plans.length + 3, `trial ${n}: no run completed after ${run} restarts`);
    const plan = plans[run] ?? { kind: 'none' };
    const idsBefore = chkIds(base.ckpt);
    const exit = await runJob({ ...base, restore: run === 0 ? 'fresh' : 'latest' }, plan, RUN_TIMEOUT_MS).catch((e: Error) => {
      throw new Error(`${backend} trial ${n}, run ${run}: ${e.message}`, { cause: e });
    });
    const now = committedOutput(base.out);
    const lines = SINKS.reduce((s, k) => s + now[k].length, 0);
    if (!exit.killed) {
      if (plan.kind !== 'none') {
        kills.push({ trial: n, run, plan: describePlan(plan), cause: 'not reached: the run finished first', site: null, ms: exit.ms, committedLines: lines, brokenOlder: [] });
      }
      for (const sink of SINKS) {
        const d = difference(expected[sink], now[sink]);
        assert.ok(d.missing.length === 0 && d.extra.length === 0, `${backend} trial ${n} after ${run} kill(s): ${describeDifference(sink, d)}`);
        // The job is deterministic (bounded files read in strict turn, full batches): equal as sorted lists too.
        assert.deepEqual(now[sink], expected[sink], `${backend} trial ${n}: ${sink} differs from the oracle`);
      }
      assert.deepEqual(hiddenFiles(base.out), [], `${backend} trial ${n}: the completed run left hidden part files`);
      return { kills, runs: run + 1, lastRunRecords: exit.done?.recordsIn ?? -1 };
    }
    const site = classifyKill(base.ckpt, base.out, exit.pid, idsBefore);
    // A crash leaves the newest complete checkpoint whole (files first, manifest last, atomically).
    const [newest, ...older] = checkCheckpoints(base.ckpt);
    if (newest !== undefined) assert.deepEqual(newest.bad, [], `${backend} trial ${n}, killed at ${describePlan(plan)}: the newest checkpoint is damaged`);
    const brokenOlder = older.filter((c) => c.bad.length > 0).map((c) => c.id);
    kills.push({ trial: n, run, plan: describePlan(plan), cause: exit.cause ?? '', site, ms: exit.ms, committedLines: lines, brokenOlder });
    // Whatever is visible after a crash must be output the job really produces, at most once.
    for (const sink of SINKS) {
      const d = difference(expected[sink], now[sink]);
      assert.equal(d.extra.length, 0, `${backend} trial ${n}, killed at ${describePlan(plan)} (${site.phase}): ${describeDifference(sink, d)}`);
    }
  }
}

function report(t: TestContext, backend: string, results: readonly TrialResult[], ms: number): void {
  const kills = results.flatMap((r) => r.kills);
  const runs = results.reduce((s, r) => s + r.runs, 0);
  const landed = kills.filter((k) => k.site !== null);
  const byPhase = new Map<string, number>();
  for (const k of landed) byPhase.set(k.site!.phase, (byPhase.get(k.site!.phase) ?? 0) + 1);
  const lines = [
    `${backend}: ${landed.length} kill points landed (${kills.length - landed.length} not reached), ${runs} runs, ${(ms / 1000).toFixed(1)} s`,
    ...[...byPhase].sort((a, b) => b[1] - a[1]).map(([p, c]) => `  ${String(c).padStart(2)}  ${p}`),
    ...kills.map((k) => `  trial ${k.trial} run ${k.run}: ${k.plan} -> ${k.site === null ? k.cause : `${k.site.phase} [${k.site.detail}]`}` +
      ` (${k.cause === '' || k.site === null ? '' : `${k.cause}, `}${k.ms} ms, ${k.committedLines} lines committed)` +
      (k.brokenOlder.length > 0 ? ` [older complete checkpoints with missing files: ${k.brokenOlder.join(', ')}]` : '')),
    ...results.map((r, i) => `  trial ${i + 1}: ${r.runs} runs; the completing run read ${r.lastRunRecords} of ${EVENTS} records`),
  ];
  for (const l of lines) t.diagnostic(l);
}

async function crashTrials(t: TestContext, backend: JobArgs['backend'], seed: number): Promise<void> {
  const started = performance.now();
  const plans = schedule(seed, backend);
  // Two trials at a time (two cores): each is a chain of short child processes, mostly waiting on disk.
  // After a failure no new trial starts; the first failure is reported once both workers stop.
  const results: TrialResult[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < plans.length && failures.length === 0) {
      const i = next++;
      try {
        results[i] = await trial(backend, i + 1, plans[i]);
      } catch (e) {
        failures.push(e);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  if (failures.length > 0) throw failures[0];
  report(t, backend, results, performance.now() - started);
  // A kill point not reached (the run finished first) ends its trial early; a few may happen on a
  // slow machine, more mean the schedule no longer fits the job.
  const kills = results.flatMap((r) => r.kills);
  const missed = kills.filter((k) => k.site === null).length;
  assert.ok(missed <= 2, `${missed} of ${kills.length} kill points were not reached`);
}

test('oracle: the job, never killed, produces windows with late firings, late records, sessions and pattern matches', async (t) => {
  const o = await oracle('heap');
  expected = o.output;
  t.diagnostic(`oracle (heap): ${o.output.windows.length} window results, ${o.output.late.length} late records, ${o.output.sessions.length} sessions, ${o.output.matches.length} pattern matches and timeouts, ${o.checkpoints} checkpoints, ${o.ms} ms`);
  assert.ok(o.checkpoints >= 3, `several checkpoints in one run (got ${o.checkpoints})`);
  assert.ok(o.output.late.length > 100, 'records late beyond allowed lateness reach the side output');
  const windows = o.output.windows.map((l) => JSON.parse(l) as { w: string; key: string; start: number });
  const fired = new Set<string>();
  let refired = 0;
  for (const w of windows) {
    const id = `${w.w}|${w.key}|${w.start}`;
    if (fired.has(id)) refired++;
    fired.add(id);
  }
  assert.ok(refired > 100, `late records within allowed lateness fire windows again (got ${refired})`);
  assert.ok(o.output.sessions.length > 1_000, 'sessions close on event-time timers');
  const matches = o.output.matches.map((l) => JSON.parse(l) as { kind: string });
  assert.ok(matches.filter((m) => m.kind === 'match').length > 500, 'the pattern matches');
  assert.ok(matches.filter((m) => m.kind === 'timed-out').length > 100, 'partial matches time out');
  assert.ok(o.output.late.some((l) => l.includes('"late":"cep"')), 'late events of the pattern reach the late sink');
  for (const sink of SINKS) assert.equal(new Set(o.output[sink]).size, o.output[sink].length, `${sink}: every line is distinct, so a duplicate shows`);
});

test('exactly-once under SIGKILL, heap state backend', { timeout: TRIALS_TIMEOUT_MS }, async (t) => {
  assert.ok(expected !== undefined, 'the oracle ran');
  await crashTrials(t, 'heap', SEED + 1);
});

const noLmdb = 'LmdbStateBackend' in eddy ? false : "eddy does not export LmdbStateBackend yet (src/state/lmdb-state-backend.ts)";
test('exactly-once under SIGKILL, LMDB state backend', { skip: noLmdb, timeout: TRIALS_TIMEOUT_MS }, async (t) => {
  assert.ok(expected !== undefined, 'the oracle ran');
  const o = await oracle('lmdb');
  for (const sink of SINKS) assert.deepEqual(o.output[sink], expected[sink], `LMDB, never killed: ${sink} equals the heap run`);
  await crashTrials(t, 'lmdb', SEED + 2);
});

test('complete checkpoints kept on disk after a restart stay restorable', async () => {
  const args = jobArgs(join(root, 'retain-after-restart'), 'heap');
  // Killed with a delta chain on disk, then again once the restarted run has completed a checkpoint.
  const first = await runJob(args, { kind: 'freeze', at: 'before-commit', after: PER_SOURCE / 2 }, RUN_TIMEOUT_MS);
  assert.ok(first.killed, 'the first run reaches the middle of its input');
  const second = await runJob({ ...args, restore: 'latest' }, { kind: 'freeze', at: 'mid-precommit', n: 2 }, RUN_TIMEOUT_MS);
  assert.ok(second.killed, 'the restarted run reaches its 2nd checkpoint');
  const broken = checkCheckpoints(args.ckpt).filter((c) => c.bad.length > 0);
  assert.deepEqual(broken.map((c) => `chk ${c.id}: ${c.bad.join(', ')}`), [], 'every complete checkpoint left on disk has all its state files');
});

test('LMDB in a stable directory: a restart with no checkpoint to restore starts from empty state', {
  skip: noLmdb,
}, async () => {
  assert.ok(expected !== undefined, 'the oracle ran');
  const args: JobArgs = { ...jobArgs(join(root, 'lmdb-stable-dir'), 'lmdb'), intervalMs: 300, stableState: true };
  // The first checkpoint flushes the keyed state into LMDB (stats() flushes); the kill lands
  // before its manifest, so the restart has no checkpoint and must start from nothing.
  const first = await runJob(args, { kind: 'freeze', at: 'after-precommit', n: 1 }, RUN_TIMEOUT_MS);
  assert.ok(first.killed, 'the first run reaches its first checkpoint');
  assert.deepEqual(checkCheckpoints(args.ckpt), [], 'no complete checkpoint to restore');
  const second = await runJob({ ...args, restore: 'latest', intervalMs: INTERVAL_MS }, { kind: 'none' }, RUN_TIMEOUT_MS);
  assert.equal(second.done?.recordsIn, EVENTS, 'the restart reads everything again');
  const out = committedOutput(args.out);
  for (const sink of SINKS) {
    const d = difference(expected[sink], out[sink]);
    assert.ok(d.missing.length === 0 && d.extra.length === 0, describeDifference(sink, d));
  }
});
