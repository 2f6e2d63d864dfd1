import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllKillable, type Launch, runKillable } from './killable-job.ts';

const JOB = fileURLToPath(new URL('./fixtures/crash-job.ts', import.meta.url));

/** The sinks of the crash job, one directory of part files each under `out`. */
export const SINKS = ['windows', 'late', 'sessions', 'matches'] as const;

/** Arguments of one run of the crash job. */
export interface JobArgs {
  readonly input: string;
  readonly out: string;
  readonly ckpt: string;
  readonly restore: 'fresh' | 'latest';
  readonly backend: 'heap' | 'lmdb';
  readonly state: string;
  readonly batch: number;
  readonly intervalMs: number;
  /** Least time between checkpoints: with 0, one starts as soon as the previous is written. */
  readonly minPauseMs: number;
  /** LMDB in the same directories in every run (default: new ones per process). */
  readonly stableState?: boolean;
  /** Another job with the same options (default: fixtures/crash-job.ts), and its sink directories. */
  readonly job?: { readonly script: string; readonly sinks: readonly string[]; readonly args?: readonly string[] };
}

/** Filesystem events the test watches for (polled every millisecond) to kill the job on. */
export type FsTrigger =
  /** a `.pending-*` part file of this process appeared: a checkpoint's sinks are pre-committing */
  | 'pending'
  /** a new `chk-*` directory without manifest: state files are being written */
  | 'chk-dir'
  /** a `MANIFEST.json.tmp`: the manifest is being written */
  | 'manifest-tmp'
  /** the moment a new `MANIFEST.json` is renamed into place: between manifest and commit */
  | 'manifest-pending';

/** Where the job is stopped in the job (see fixtures/crash-job.ts). */
export type FreezePoint =
  | 'mid-precommit' | 'after-precommit' | 'before-commit' | 'mid-commit' | 'final-after-precommit' | 'final-before-commit'
  | 'mid-recover' | 'after-recover' | 'record';

/** When to SIGKILL a run. `skip`, `n` and `after` pick a later occurrence, so kills spread over the run. */
export type KillPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'fs'; readonly on: FsTrigger; readonly skip: number }
  /** `n`: the n-th checkpoint (or record) of the run; `after`: the first one after event index `after` (robust to machine speed). */
  | { readonly kind: 'freeze'; readonly at: FreezePoint; readonly n?: number; readonly after?: number };

/** How a run ended. */
export interface JobExit {
  readonly pid: number;
  /** True when the test killed it (it had not finished on its own). */
  readonly killed: boolean;
  /** What made the test kill it (trigger detail, freeze line). */
  readonly cause: string | null;
  /** The job finished; its summary line. */
  readonly done: { readonly recordsIn: number; readonly checkpoints: number } | null;
  readonly ms: number;
  readonly stderr: string;
}

/** Describes a kill plan for the report. */
export function describePlan(p: KillPlan): string {
  switch (p.kind) {
    case 'none': return 'none';
    case 'delay': return `delay ${p.ms} ms`;
    case 'fs': return `fs ${p.on} #${p.skip + 1}`;
    case 'freeze': return `freeze ${p.at}${p.after !== undefined ? ` after event ${p.after}` : p.n !== undefined ? ` #${p.n}` : ''}`;
  }
}

/** SIGKILLs every child still running and refuses to start more (for `after`: a timed-out test's code may still run). */
export function killAllJobs(): void {
  killAllKillable();
}

/**
 * Runs the crash job once in a child process and SIGKILLs it as the plan says. Rejects when the
 * run exceeds `timeoutMs` (after killing it) or fails on its own.
 *
 * @example
 * const exit = await runJob(args, { kind: 'fs', on: 'pending', skip: 2 }, 20_000);
 */
export function runJob(args: JobArgs, plan: KillPlan, timeoutMs: number, launch?: Launch): Promise<JobExit> {
  const argv = [
    '--conditions=eddy-source', '--import', 'tsx', args.job?.script ?? JOB, ...(args.job?.args ?? []), '--input', args.input, '--out', args.out, '--ckpt', args.ckpt,
    '--restore', args.restore, '--backend', args.backend, '--state', args.state, '--batch', String(args.batch),
    '--interval', String(args.intervalMs), '--min-pause', String(args.minPauseMs),
  ];
  if (args.stableState === true) argv.push('--stable-state');
  if (plan.kind === 'freeze') argv.push('--freeze', plan.after !== undefined ? `${plan.at}@${plan.after}` : plan.n !== undefined ? `${plan.at}:${plan.n}` : plan.at);
  return runKillable<NonNullable<JobExit['done']>>(argv, {
    label: `crash job (plan ${describePlan(plan)})`,
    timeoutMs,
    delayMs: plan.kind === 'delay' ? plan.ms : undefined,
    poll: plan.kind === 'fs' ? (pid) => fsWatcher(args, pid, plan.on, plan.skip) : undefined,
  }, launch);
}

/** A poll function that returns a description once the watched event has occurred `skip + 1` times. */
function fsWatcher(args: JobArgs, pid: number, on: FsTrigger, skip: number): () => string | null {
  const before = chkIds(args.ckpt);
  const firstNew = before.length === 0 ? 1 : Math.max(...before) + 1;
  const seen = new Set<number>();
  const mine = new RegExp(`^\\.pending-(\\d+)-${pid}-`);
  /** Counts an occurrence per checkpoint id; true when it is the one to kill at. */
  const hit = (id: number) => {
    if (seen.has(id)) return false;
    seen.add(id);
    return seen.size > skip;
  };
  const pendingFiles = () => (args.job?.sinks ?? SINKS).flatMap((sink) => list(join(args.out, sink)).flatMap((n) => {
    const m = mine.exec(n);
    return m === null ? [] : [{ sink, id: Number(m[1]) }];
  }));
  return () => {
    if (on === 'pending') {
      for (const p of pendingFiles()) if (hit(p.id)) return `.pending-${chkName(p.id).slice(4)} in ${p.sink}`;
      return null;
    }
    for (const id of chkIds(args.ckpt)) {
      if (id < firstNew) continue;
      const dir = join(args.ckpt, chkName(id));
      const manifest = existsSync(join(dir, 'MANIFEST.json'));
      if (on === 'chk-dir' && !manifest && hit(id)) return `new ${chkName(id)} without manifest`;
      if (on === 'manifest-tmp' && existsSync(join(dir, 'MANIFEST.json.tmp')) && hit(id)) return `${chkName(id)}/MANIFEST.json.tmp`;
      if (on === 'manifest-pending' && !manifest && existsSync(join(dir, 'MANIFEST.json.tmp')) && hit(id)) {
        // The manifest is about to be renamed into place; the commit follows within a few ms, too
        // short for the 1 ms poll to see reliably. Spin until the rename, then kill at once.
        const until = performance.now() + 500;
        while (performance.now() < until && !existsSync(join(dir, 'MANIFEST.json'))) { /* spin */ }
        const covered = pendingFiles().filter((p) => p.id <= id).length;
        return `${chkName(id)}/MANIFEST.json with ${covered} pending part file(s)`;
      }
    }
    return null;
  };
}

/** `chk-000042` */
export function chkName(id: number): string {
  return `chk-${String(id).padStart(6, '0')}`;
}

/** Ids of the checkpoint directories (complete or not). */
export function chkIds(ckpt: string): number[] {
  return list(ckpt).map((n) => /^chk-(\d+)$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
}

/** Directory entries, none if it does not exist (yet, or any more). */
export function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
