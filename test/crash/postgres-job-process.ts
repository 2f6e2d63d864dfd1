import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOB = fileURLToPath(new URL('./fixtures/postgres-crash-job.ts', import.meta.url));

/** Arguments of one run of the PostgreSQL crash job. */
export interface PgJobArgs {
  readonly input: string;
  readonly ckpt: string;
  readonly events: string;
  readonly sums: string;
  readonly restore: 'fresh' | 'latest';
  readonly batch: number;
  readonly intervalMs: number;
}

/** When to SIGKILL a run: at a freeze point (see fixtures/freeze-points.ts) or after a delay. */
export type PgKillPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'freeze'; readonly at: string; readonly after?: number };

/** How a run ended: killed (and why) or done (with its summary). */
export interface PgJobExit {
  readonly killed: boolean;
  readonly cause: string | null;
  readonly done: { readonly recordsIn: number; readonly checkpoints: number } | null;
  readonly ms: number;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every run still going (for `after`). */
export function killAllPgJobs(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/** Describes a plan for the report. */
export function describePgPlan(p: PgKillPlan): string {
  if (p.kind === 'none') return 'none';
  if (p.kind === 'delay') return `delay ${p.ms} ms`;
  return `freeze ${p.at}${p.after !== undefined ? ` after event ${p.after}` : ''}`;
}

/**
 * Runs the job once in a child process (DATABASE_URL passed on) and SIGKILLs it as planned.
 * Rejects if it fails on its own or outlives `timeoutMs`.
 *
 * @example
 * const exit = await runPgJob(args, { kind: 'freeze', at: 'before-commit', after: 3_000 }, 30_000);
 */
export function runPgJob(args: PgJobArgs, plan: PgKillPlan, timeoutMs: number): Promise<PgJobExit> {
  const argv = [
    '--conditions=eddy-source', '--import', 'tsx', JOB, '--input', args.input, '--ckpt', args.ckpt, '--events', args.events, '--sums', args.sums,
    '--restore', args.restore, '--batch', String(args.batch), '--interval', String(args.intervalMs),
  ];
  if (plan.kind === 'freeze') argv.push('--freeze', plan.after !== undefined ? `${plan.at}@${plan.after}` : plan.at);
  const started = performance.now();
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let cause: string | null = null;
  let timedOut = false;
  const kill = (why: string) => {
    if (cause !== null || child.exitCode !== null) return;
    cause = why;
    child.kill('SIGKILL');
  };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    const frozen = /^FROZEN .*$/m.exec(stdout);
    if (frozen !== null) kill(frozen[0].slice('FROZEN '.length));
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timers: NodeJS.Timeout[] = [];
  if (plan.kind === 'delay') timers.push(setTimeout(() => kill(`after ${plan.ms} ms`), plan.ms));
  timers.push(setTimeout(() => {
    timedOut = true;
    kill('timeout');
  }, timeoutMs));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      live.delete(child);
      for (const t of timers) clearTimeout(t);
      const ms = Math.round(performance.now() - started);
      const tail = stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(-12).join('\n');
      if (timedOut) {
        reject(new Error(`postgres crash job (plan ${describePgPlan(plan)}) did not end within ${timeoutMs} ms. stderr:\n${tail}`));
        return;
      }
      const doneLine = /^DONE (.*)$/m.exec(stdout);
      const done = doneLine === null ? null : (JSON.parse(doneLine[1]) as PgJobExit['done']);
      const killed = signal === 'SIGKILL' && cause !== null;
      if (!killed && (code !== 0 || done === null)) {
        reject(new Error(`postgres crash job (plan ${describePgPlan(plan)}) failed: exit code ${code}, signal ${signal}. stderr:\n${tail}`));
        return;
      }
      resolve({ killed, cause: killed ? cause : null, done: killed ? null : done, ms });
    });
  });
}
