import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from './server-process.ts';

const JOB = fileURLToPath(new URL('./fixtures/sink-job.ts', import.meta.url));

/** How the job child ended. */
export interface JobChildExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The `DONE {...}` summary it printed, or null. */
  readonly done: { readonly status: string; readonly restarts: number; readonly ms: number } | null;
}

/**
 * The fault job (fixtures/sink-job.ts) in a child process: a process of its own, so that a defect
 * that kills it (an unhandled 'error' event) fails the test instead of the test runner. Its log
 * lines are kept with their wall-clock times; it is SIGKILLed if it outlives `timeoutMs`.
 *
 * @example
 * const job = JobChild.start(['--sink', 'kafka', '--target', brokers, '--out', topic, '--ckpt', dir], 300_000);
 * job.stop(); const exit = await job.exited;
 */
export class JobChild {
  /** [wall-clock ms, line] of everything the job logged. */
  readonly log: [number, string][] = [];
  readonly exited: Promise<JobChildExit>;
  private readonly child: ChildProcess;

  private constructor(args: readonly string[], timeoutMs: number) {
    // The environment as it is: under scripts/node24.sh, NODE_OPTIONS points the Kafka client at its Node 24 build.
    this.child = spawn(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', JOB, ...args], {
      cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    let stdout = '';
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      const lines = (partial + s).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const m = /^(\d{13}) (.*)$/.exec(l);
        this.log.push(m === null ? [Date.now(), l] : [Number(m[1]), m[2]]);
      }
    });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        clearTimeout(timer);
        live.delete(this.child);
        if (partial !== '') this.log.push([Date.now(), partial]);
        const done = /^DONE (.*)$/m.exec(stdout);
        resolve({ code, signal, done: done === null ? null : (JSON.parse(done[1]) as JobChildExit['done']) });
      });
    });
  }

  static start(args: readonly string[], timeoutMs: number): JobChild {
    return new JobChild(args, timeoutMs);
  }

  /** Asks the job to stop with a savepoint (SIGTERM), which commits what it has read. */
  stop(): void {
    this.child.kill('SIGTERM');
  }

  /** The time of the first log line matching `re` at or after `from` (wall-clock ms), or null. */
  firstAfter(re: RegExp, from: number): number | null {
    return this.log.find(([t, l]) => t >= from && re.test(l))?.[0] ?? null;
  }

  /** Log lines matching `re`. */
  lines(re: RegExp): string[] {
    return this.log.filter(([, l]) => re.test(l)).map(([, l]) => l);
  }

  /** The log, with times relative to `t0`, for a failure message. */
  describe(t0: number, last = 40): string {
    return this.log.slice(-last).map(([t, l]) => `  +${((t - t0) / 1000).toFixed(1)}s ${l.slice(0, 400)}`).join('\n');
  }
}

const live = new Set<ChildProcess>();

/** SIGKILLs every job child still running (for `after`). */
export function killJobChildren(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}
