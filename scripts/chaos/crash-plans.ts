import type { FreezePoint, FsTrigger, KillPlan } from '../../test/crash/job-process.ts';
import type { KillSite } from '../../test/crash/kill-phase.ts';
import type { ChaosPhase } from './chaos-scenario.ts';

/** The freeze points that stop a run at a known phase (see test/crash/fixtures/freeze-points.ts). */
const FREEZE_PHASE: Record<FreezePoint, ChaosPhase> = {
  'record': 'processing',
  'mid-precommit': 'snapshot',
  'after-precommit': 'snapshot',
  'final-after-precommit': 'snapshot',
  'before-commit': 'commit',
  'mid-commit': 'commit',
  'final-before-commit': 'commit',
  'mid-recover': 'recovery',
  'after-recover': 'recovery',
};

/** What a run can be told to do, and how its output is kept (files can also be watched for pending part files). */
export interface PlanSpace {
  /** Events per source: freeze points are placed by event index below it. */
  readonly perSource: number;
  /** How long a run to the end takes (the oracle's), for timed kills. */
  readonly runMs: number;
  /** The sinks write files, so 'pending' (a part file sealed) can trigger a kill. */
  readonly files: boolean;
}

/**
 * The kill plans of one trial, drawn from `rnd`: freeze points at rising event indexes (each
 * restart resumes from its checkpoint, so the next point is still ahead), recovery points in
 * restarted runs, a timed kill in the first run, and kills on what appears in the checkpoint
 * directory; the last kill of a trial is sometimes one of the end of input.
 *
 * @example
 * const plans = drawPlans(rnd, 4, { perSource: 6_000, runMs: 1_500, files: true });
 */
export function drawPlans(rnd: () => number, kills: number, space: PlanSpace): KillPlan[] {
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // Rising marks, so that each restart (resuming from its checkpoint) still has its kill point ahead.
  const marks = Array.from({ length: kills }, () => int(200, Math.floor(space.perSource * 0.8))).sort((x, y) => x - y);
  const fs: FsTrigger[] = space.files ? ['chk-dir', 'manifest-tmp', 'manifest-pending', 'pending'] : ['chk-dir', 'manifest-tmp', 'manifest-pending'];
  return marks.map((after, i): KillPlan => {
    const r = rnd();
    if (i === kills - 1 && r < 0.15) return { kind: 'freeze', at: pick(['final-after-precommit', 'final-before-commit'] as const) };
    if (i > 0 && r < 0.25) return { kind: 'freeze', at: pick(['mid-recover', 'after-recover'] as const) };
    // A timed kill only in the first run: a restarted run resumes late and may finish before the time is up.
    if (i === 0 && r < 0.4) return { kind: 'delay', ms: Math.round(space.runMs * (0.1 + 0.4 * rnd())) };
    if (r < 0.55) return { kind: 'fs', on: pick(fs), skip: int(0, 1) };
    return { kind: 'freeze', at: pick(['record', 'mid-precommit', 'after-precommit', 'before-commit', 'mid-commit'] as const), after };
  });
}

/** The phase a freeze point or filesystem trigger stops a run in by construction; null for a timed kill. */
export function plannedPhase(plan: KillPlan): ChaosPhase | null {
  if (plan.kind === 'freeze') return FREEZE_PHASE[plan.at];
  if (plan.kind === 'fs') return plan.on === 'manifest-pending' ? 'commit' : 'snapshot';
  return null;
}

/** The phase test/crash/kill-phase.ts read off the disk, as a column of the table. */
export function sitePhase(site: KillSite): ChaosPhase {
  if (site.phase.startsWith('startup')) return 'recovery';
  if (site.phase.startsWith('processing') || site.phase.startsWith('after')) return 'processing';
  if (site.phase.startsWith('checkpoint: manifest durable')) return 'commit';
  return 'snapshot';
}
