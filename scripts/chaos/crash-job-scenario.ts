import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkCheckpoints } from '../../test/crash/checkpoint-integrity.ts';
import { committedLines, describeDifference, difference, hiddenFiles } from '../../test/crash/committed-output.ts';
import { writeCrashInput } from '../../test/crash/crash-input.ts';
import { chkIds, chkName, describePlan, type JobArgs, type KillPlan, runJob, SINKS } from '../../test/crash/job-process.ts';
import { classifyKill } from '../../test/crash/kill-phase.ts';
import type { Launch } from '../../test/crash/killable-job.ts';
import type { ChaosKill, ChaosPhase, ChaosScenario, ChaosTrial } from './chaos-scenario.ts';
import { drawPlans, plannedPhase, sitePhase } from './crash-plans.ts';

/** Where a job's committed output lives, and how to read it back. */
export interface OutputStore {
  readonly kind: 'files' | 'kafka';
  /** Extra job arguments for trial `tag` (a Kafka topic prefix), after creating what it needs. */
  prepare(tag: string): Promise<readonly string[]>;
  /** Committed lines per sink, sorted; `expected` says how many to wait for (Kafka). */
  read(tag: string, out: string, expected: Record<string, number>): Promise<Record<string, string[]>>;
}

/** JSONL part files under the run's out directory. */
export const fileStore = (sinks: readonly string[]): OutputStore => ({
  kind: 'files',
  prepare: async () => [],
  read: async (_tag, out) => Object.fromEntries(sinks.map((s) => [s, committedLines(out, s)])),
});

/** Options of a scenario that runs a job of test/crash/fixtures (crash-job.ts or one with its options). */
export interface CrashJobOptions {
  readonly name: string;
  readonly weight: number;
  readonly backend: JobArgs['backend'];
  /** Another job than crash-job.ts, and its sinks. */
  readonly job?: { readonly script: string; readonly sinks: readonly string[] };
  readonly store?: OutputStore;
  readonly perSource: number;
  readonly launch: Launch;
}

const RUN_TIMEOUT_MS = 90_000;

/**
 * A crash scenario of the chaos run on the crash harness of test/crash: the job in a child
 * process started warm, SIGKILLed at freeze points, on filesystem events or after a delay,
 * restarted from its newest checkpoint, until a run completes. After each kill, the newest
 * checkpoint must be whole and (files) what is visible must be part of the oracle; at the end the
 * committed output must equal it, line for line.
 *
 * @example
 * const s = new CrashJobScenario({ name: 'files, heap', weight: 3, backend: 'heap', perSource: 6_000, launch: warm.launch });
 */
export class CrashJobScenario implements ChaosScenario {
  readonly name: string;
  readonly weight: number;
  readonly killsPerTrial = 4;
  private dir = '';
  private expected: Record<string, string[]> = {};
  private runMs = 1_000;
  private readonly sinks: readonly string[];
  private readonly store: OutputStore;

  constructor(private readonly o: CrashJobOptions) {
    this.name = o.name;
    this.weight = o.weight;
    this.sinks = o.job?.sinks ?? SINKS;
    this.store = o.store ?? fileStore(this.sinks);
  }

  /** The input written by setup (other scenarios may share it). */
  get input(): string {
    return join(this.dir, 'input');
  }

  async setup(dir: string): Promise<void> {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    writeCrashInput(this.input, { seed: 20_261_207, perSource: { a: this.o.perSource, b: this.o.perSource }, files: { a: 2, b: 1 }, spanMs: 200_000 });
    // The oracle writes files, whatever the scenario's sinks: Kafka must end up holding exactly that.
    const args = await this.args('oracle', 0, fileStore(this.sinks));
    const exit = await runJob(args, { kind: 'none' }, RUN_TIMEOUT_MS, this.o.launch);
    if (exit.done === null || exit.done.recordsIn !== 2 * this.o.perSource) throw new Error(`${this.name}: the oracle run read ${exit.done?.recordsIn} records`);
    this.runMs = exit.ms;
    this.expected = await fileStore(this.sinks).read('oracle', args.out, {});
    for (const s of this.sinks) if (this.expected[s].length === 0) throw new Error(`${this.name}: the oracle wrote nothing to ${s}`);
  }

  async trial(index: number, kills: number, rnd: () => number): Promise<ChaosTrial> {
    const started = performance.now();
    const plans = drawPlans(rnd, kills, { perSource: this.o.perSource, runMs: this.runMs, files: this.store.kind === 'files' });
    const base = await this.args(`t${index}`, rnd() < 0.5 ? 0 : 25);
    const done: ChaosKill[] = [];
    const result = (mismatch: string | null): ChaosTrial => ({ kills: done, mismatch, ms: performance.now() - started });
    for (let run = 0; run <= plans.length; run++) {
      const idsBefore = chkIds(base.ckpt);
      const plan = restorable(plans[run] ?? { kind: 'none' }, base.ckpt, rnd, this.o.perSource);
      let exit;
      try {
        exit = await runJob({ ...base, restore: run === 0 ? 'fresh' : 'latest' }, plan, RUN_TIMEOUT_MS, this.o.launch);
      } catch (e) {
        return result(`run ${run} (${describePlan(plan)}): ${(e as Error).message}`);
      }
      if (!exit.killed) {
        if (plan.kind !== 'none') done.push({ phase: null, detail: `${describePlan(plan)}: not reached` });
        for (let rest = run + 1; rest < plans.length; rest++) done.push({ phase: null, detail: `${describePlan(plans[rest])}: the trial had ended` });
        return result(await this.compare(`t${index}`, base.out));
      }
      done.push({ phase: this.phase(plan, base, exit.pid, idsBefore), detail: `${describePlan(plan)}: ${exit.cause}` });
      const [newest] = checkCheckpoints(base.ckpt);
      if (newest !== undefined && newest.bad.length > 0) return result(`killed at ${describePlan(plan)}: the newest checkpoint lacks ${newest.bad.join(', ')}`);
      if (this.store.kind === 'files') {
        const now = await this.store.read(`t${index}`, base.out, {});
        for (const s of this.sinks) {
          const d = difference(this.expected[s], now[s]);
          if (d.extra.length > 0) return result(`killed at ${describePlan(plan)}: visible output is not part of the oracle: ${describeDifference(s, d)}`);
        }
      }
    }
    return result('unreachable: the last run had no kill plan');
  }

  async teardown(): Promise<void> {}

  private async compare(tag: string, out: string): Promise<string | null> {
    const now = await this.store.read(tag, out, this.counts(this.expected));
    const problems = this.sinks.flatMap((s) => {
      const d = difference(this.expected[s], now[s]);
      return d.missing.length + d.extra.length === 0 ? [] : [describeDifference(s, d)];
    });
    if (this.store.kind === 'files') {
      const hidden = hiddenFiles(out, this.sinks);
      if (hidden.length > 0) problems.push(`hidden part files left: ${hidden.slice(0, 3).join(', ')}`);
    }
    return problems.length === 0 ? null : problems.join('\n');
  }

  private counts(output: Record<string, string[]> | undefined): Record<string, number> {
    return Object.fromEntries(this.sinks.map((s) => [s, output?.[s]?.length ?? 0]));
  }

  private phase(plan: KillPlan, args: JobArgs, pid: number, idsBefore: readonly number[]): ChaosPhase {
    const planned = plannedPhase(plan);
    if (planned !== null) return planned;
    if (this.store.kind === 'files') return sitePhase(classifyKill(args.ckpt, args.out, pid, idsBefore, this.sinks));
    // Kafka keeps nothing on disk to tell commit from processing; a checkpoint directory without
    // manifest still shows a snapshot under way.
    const maxBefore = idsBefore.length === 0 ? 0 : Math.max(...idsBefore);
    const open = chkIds(args.ckpt).some((id) => id > maxBefore && !existsSync(join(args.ckpt, chkName(id), 'MANIFEST.json')));
    return open ? 'snapshot' : 'unclassified';
  }

  private async args(tag: string, minPauseMs = 0, store = this.store): Promise<JobArgs> {
    const dir = join(this.dir, tag);
    const extra = await store.prepare(tag);
    return {
      input: this.input, out: join(dir, 'out'), ckpt: join(dir, 'ckpt'), state: join(dir, 'state'), restore: 'fresh', backend: this.o.backend,
      batch: 32, intervalMs: 10, minPauseMs,
      ...(this.o.job === undefined && extra.length === 0 ? {} : { job: { script: this.o.job?.script ?? '', sinks: this.sinks, args: extra } }),
    };
  }
}

/**
 * A recovery point needs a checkpoint to recover from: without one (the previous kill came
 * before the first checkpoint) the run would never stop there, so it is killed mid-record instead.
 */
function restorable(plan: KillPlan, ckpt: string, rnd: () => number, perSource: number): KillPlan {
  if (plan.kind !== 'freeze' || (plan.at !== 'mid-recover' && plan.at !== 'after-recover')) return plan;
  if (chkIds(ckpt).some((id) => existsSync(join(ckpt, chkName(id), 'MANIFEST.json')))) return plan;
  return { kind: 'freeze', at: 'record', after: Math.floor(rnd() * perSource * 0.5) };
}
