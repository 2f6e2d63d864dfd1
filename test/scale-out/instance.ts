import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COUNT_JOB = fileURLToPath(new URL('./fixtures/count-job.ts', import.meta.url));
/**
 * librdkafka's blocking calls (consume, transactions) each hold a libuv pool thread; an instance
 * runs a few clients per partition task, so the default 4 threads starve (see docs/scale-out.md).
 */
const THREADPOOL = '32';

/** What an instance printed that the test looks at. */
export interface InstanceLog {
  readonly assigned: number[][];
  readonly handedOver: number[][];
  readonly restores: string[];
  readonly taskFailures: string[];
}

const live = new Set<ChildProcess>();

/**
 * One instance of the scale-out fixture job in a child process, with what it logs parsed.
 *
 * @example
 * const a = new Instance('A', [brokers, input, output, stateDir, group]); await a.waitFor(() => a.log.assigned.length > 0, 20_000);
 */
export class Instance {
  readonly log: InstanceLog = { assigned: [], handedOver: [], restores: [], taskFailures: [] };
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout = '';
  stderr = '';
  /** When the process was started, and when each stdout line arrived (Date.now()). */
  readonly startedAt = Date.now();
  readonly timeline: [number, string][] = [];

  constructor(readonly name: string, args: readonly string[], job = COUNT_JOB) {
    this.child = spawn(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', job, ...args], {
      cwd: ROOT, env: { ...process.env, UV_THREADPOOL_SIZE: THREADPOOL }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
      const lines = (partial + s).split('\n');
      partial = lines.pop()!;
      for (const l of lines) this.parse(l);
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((res) => this.child.on('exit', (code, signal) => {
      live.delete(this.child);
      res({ code, signal });
    }));
  }

  private parse(line: string): void {
    this.timeline.push([Date.now(), line]);
    const parts = (s: string) => s.split(',').map(Number);
    let m = /assigned partitions ([\d,]+)/.exec(line);
    if (m !== null) this.log.assigned.push(parts(m[1]));
    m = /handing over partitions ([\d,]+)/.exec(line);
    if (m !== null) this.log.handedOver.push(parts(m[1]));
    m = /restoring job .* from checkpoint (\S+) in (\S+)/.exec(line);
    if (m !== null) this.log.restores.push(`${m[2].split('/').pop()}@${m[1]}`);
    if (/task failed/.test(line)) this.log.taskFailures.push(line);
  }

  /** Polls `cond` every 50 ms; rejects after `ms` with what the instance printed. */
  async waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
    const until = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > until) throw new Error(`instance ${this.name} (pid ${this.child.pid}): no ${what} within ${ms} ms. stdout:\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`instance ${this.name} exited before ${what}: ${this.stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM (leave the group gracefully) and wait for a clean exit. */
  async leave(ms: number): Promise<void> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    if (code !== 0 || !this.stdout.includes('LEFT')) throw new Error(`instance ${this.name} did not leave cleanly within ${ms} ms (code ${code}, signal ${signal}): ${this.stderr.slice(-2000)}`);
  }

  /** Time of the first line matching `re` at or after `from` (NaN if none). */
  timeOf(re: RegExp, from = 0): number {
    return this.timeline.find(([t, l]) => t >= from && re.test(l))?.[0] ?? Number.NaN;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** SIGKILLs every instance still running (test cleanup). */
export function killAllInstances(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}
