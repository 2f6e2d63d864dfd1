import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { writeCrashInput } from '../../test/crash/crash-input.ts';
import { chkIds, chkName } from '../../test/crash/job-process.ts';
import type { Launch } from '../../test/crash/killable-job.ts';
import { describePgPlan, type PgJobArgs, type PgKillPlan, runPgJob } from '../../test/crash/postgres-job-process.ts';
import { preparedGids, rollbackPrepared, testPool, uniqueName } from '../../test/postgres/pg-test-db.ts';
import type { ChaosKill, ChaosPhase, ChaosScenario, ChaosTrial } from './chaos-scenario.ts';
import { drawPlans, plannedPhase } from './crash-plans.ts';

const RUN_TIMEOUT_MS = 90_000;
const byteSort = (xs: string[]) => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

/**
 * The PostgreSQL crash job of test/crash (asyncMap, a tumbling window, two exactly-once
 * sinks.postgres with plain INSERTs), killed and restarted as in the file scenarios. After each
 * kill the rows visible must be part of the oracle's; at the end they must equal them, with no
 * prepared transaction left.
 *
 * @example
 * const s = new PostgresScenario(2, warm.launch);
 */
export class PostgresScenario implements ChaosScenario {
  readonly name = 'PostgreSQL sinks · heap · window, async I/O';
  readonly killsPerTrial = 4;
  private dir = '';
  private pool: pg.Pool | null = null;
  private readonly tables: string[] = [];
  private expected = { ids: [] as string[], sums: [] as string[] };
  private runMs = 1_000;

  constructor(readonly weight: number, private readonly launch: Launch, private readonly perSource = 2_500) {}

  async setup(dir: string): Promise<void> {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.pool = testPool();
    const input = join(dir, 'input');
    writeCrashInput(input, { seed: 20_261_208, perSource: { a: this.perSource, b: this.perSource }, files: { a: 2, b: 1 }, spanMs: 200_000 });
    const ids = ['a', 'b'].flatMap((s) => readdirSync(join(input, s)).flatMap((f) => readFileSync(join(input, s, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)));
    const t = await this.newTables('oracle');
    const exit = await runPgJob(this.args('oracle', t, 'fresh'), { kind: 'none' }, RUN_TIMEOUT_MS, this.launch);
    this.runMs = exit.ms;
    this.expected = await this.visible(t);
    if (this.expected.ids.join() !== byteSort(ids).join()) throw new Error(`${this.name}: the oracle run did not write every event once`);
  }

  async trial(index: number, kills: number, rnd: () => number): Promise<ChaosTrial> {
    const started = performance.now();
    const plans = drawPlans(rnd, kills, { perSource: this.perSource, runMs: this.runMs, files: false })
      // The PostgreSQL job's runner knows freeze points and delays only.
      .map((p): PgKillPlan => (p.kind === 'fs' ? { kind: 'delay', ms: Math.round(this.runMs * 0.5) } : p.kind === 'freeze' ? { kind: 'freeze', at: p.at, after: p.after } : p));
    const t = await this.newTables(`t${index}`);
    const done: ChaosKill[] = [];
    const result = (mismatch: string | null): ChaosTrial => ({ kills: done, mismatch, ms: performance.now() - started });
    for (let run = 0; run <= plans.length; run++) {
      const args = this.args(`t${index}`, t, run === 0 ? 'fresh' : 'latest');
      const idsBefore = chkIds(args.ckpt);
      let plan: PgKillPlan = plans[run] ?? { kind: 'none' };
      // A recovery point needs a checkpoint to recover from (see crash-job-scenario.ts).
      if (plan.kind === 'freeze' && plan.at.endsWith('-recover') && !idsBefore.some((id) => existsSync(join(args.ckpt, chkName(id), 'MANIFEST.json')))) {
        plan = { kind: 'freeze', at: 'record', after: Math.floor(rnd() * this.perSource * 0.5) };
      }
      let exit;
      try {
        exit = await runPgJob(args, plan, RUN_TIMEOUT_MS, this.launch);
      } catch (e) {
        return result(`run ${run} (${describePgPlan(plan)}): ${(e as Error).message}`);
      }
      const v = await this.visible(t);
      if (!exit.killed) {
        if (plan.kind !== 'none') done.push({ phase: null, detail: `${describePgPlan(plan)}: not reached` });
        for (let rest = run + 1; rest < plans.length; rest++) done.push({ phase: null, detail: `${describePgPlan(plans[rest])}: the trial had ended` });
        const left = [...await preparedGids(this.pool!, `eddy:${t.events}:`), ...await preparedGids(this.pool!, `eddy:${t.sums}:`)];
        if (v.ids.join() !== this.expected.ids.join()) return result(`events: ${v.ids.length} rows, the oracle has ${this.expected.ids.length} (or they differ)`);
        if (v.sums.join() !== this.expected.sums.join()) return result(`sums: ${v.sums.length} rows differ from the oracle's ${this.expected.sums.length}`);
        return result(left.length > 0 ? `${left.length} prepared transactions left` : null);
      }
      const planned = plan.kind === 'freeze' ? plannedPhase({ kind: 'freeze', at: plan.at as never }) : null;
      done.push({ phase: planned ?? this.timedPhase(args.ckpt, idsBefore), detail: `${describePgPlan(plan)}: ${exit.cause}` });
      if (!subMultiset(v.ids, this.expected.ids) || !subMultiset(v.sums, this.expected.sums)) {
        return result(`killed at ${describePgPlan(plan)}: visible rows are duplicated or not the oracle's`);
      }
    }
    return result('unreachable');
  }

  async teardown(): Promise<void> {
    if (this.pool === null) return;
    for (const t of this.tables) {
      await rollbackPrepared(this.pool, `eddy:${t}:`);
      await this.pool.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await this.pool.end();
  }

  private timedPhase(ckpt: string, idsBefore: readonly number[]): ChaosPhase {
    const maxBefore = idsBefore.length === 0 ? 0 : Math.max(...idsBefore);
    return chkIds(ckpt).some((id) => id > maxBefore && !existsSync(join(ckpt, chkName(id), 'MANIFEST.json'))) ? 'snapshot' : 'unclassified';
  }

  private args(tag: string, t: { events: string; sums: string }, restore: PgJobArgs['restore']): PgJobArgs {
    return { input: join(this.dir, 'input'), ckpt: join(this.dir, tag, 'ckpt'), events: t.events, sums: t.sums, restore, batch: 32, intervalMs: 10 };
  }

  private async newTables(tag: string): Promise<{ events: string; sums: string }> {
    const events = uniqueName(`chaos_ev_${tag}`);
    const sums = uniqueName(`chaos_sum_${tag}`);
    this.tables.push(events, sums);
    await this.pool!.query(`CREATE TABLE ${events} (id text NOT NULL, u text NOT NULL, v2 integer NOT NULL)`);
    await this.pool!.query(`CREATE TABLE ${sums} (key text NOT NULL, start bigint NOT NULL, value integer NOT NULL)`);
    return { events, sums };
  }

  private async visible(t: { events: string; sums: string }): Promise<{ ids: string[]; sums: string[] }> {
    const ids = (await this.pool!.query<{ id: string }>(`SELECT id FROM ${t.events}`)).rows.map((r) => r.id);
    const sums = (await this.pool!.query<{ row: string }>(`SELECT key || '|' || start || '|' || value AS row FROM ${t.sums}`)).rows.map((r) => r.row);
    return { ids: byteSort(ids), sums: byteSort(sums) };
  }
}

/** Every line of `part` is in `whole` at least as often (both sorted the same way). */
function subMultiset(part: readonly string[], whole: readonly string[]): boolean {
  const count = new Map<string, number>();
  for (const w of whole) count.set(w, (count.get(w) ?? 0) + 1);
  for (const p of part) {
    const c = count.get(p) ?? 0;
    if (c === 0) return false;
    count.set(p, c - 1);
  }
  return true;
}
