import { fileURLToPath } from 'node:url';
import { killAllKillable, type Launch, runKillable } from './killable-job.ts';

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

/** SIGKILLs every run still going (for `after`). */
export function killAllPgJobs(): void {
  killAllKillable();
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
export function runPgJob(args: PgJobArgs, plan: PgKillPlan, timeoutMs: number, launch?: Launch): Promise<PgJobExit> {
  const argv = [
    '--conditions=eddy-source', '--import', 'tsx', JOB, '--input', args.input, '--ckpt', args.ckpt, '--events', args.events, '--sums', args.sums,
    '--restore', args.restore, '--batch', String(args.batch), '--interval', String(args.intervalMs),
  ];
  if (plan.kind === 'freeze') argv.push('--freeze', plan.after !== undefined ? `${plan.at}@${plan.after}` : plan.at);
  return runKillable<NonNullable<PgJobExit['done']>>(argv, {
    label: `postgres crash job (plan ${describePgPlan(plan)})`,
    timeoutMs,
    delayMs: plan.kind === 'delay' ? plan.ms : undefined,
  }, launch);
}
