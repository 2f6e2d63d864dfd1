import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from here so that `--import tsx` and `eddy` resolve. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How one crash-job child ended: killed by the test (and why), or finished with the summary it
 * printed on its `DONE {...}` line.
 *
 * @example
 * const { killed, cause, done } = await runKillable<Summary>(argv, { label: 'crash job', timeoutMs: 20_000 });
 */
export interface KillableExit<D> {
  readonly pid: number;
  readonly killed: boolean;
  readonly cause: string | null;
  readonly done: D | null;
  readonly ms: number;
  readonly stderr: string;
}

/**
 * When to SIGKILL the child besides a `FROZEN <point>` line on its stdout (which always kills
 * it): after `delayMs`, or when `poll(pid)`'s function returns a reason (checked every ms).
 *
 * @example
 * const when: KillWhen = { label: 'crash job (delay 300 ms)', delayMs: 300, timeoutMs: 20_000 };
 */
export interface KillWhen {
  readonly label: string;
  readonly timeoutMs: number;
  readonly delayMs?: number;
  readonly poll?: (pid: number) => () => string | null;
}

const live = new Set<ChildProcess>();
let closed = false;

/** SIGKILLs every child still running and refuses to start more (for `after`: a timed-out test's code may still run). */
export function killAllKillable(): void {
  closed = true;
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/** Starts `node <argv>` with piped stdout and stderr (a `WarmStarts` hands over a started one instead). */
export type Launch = (argv: readonly string[]) => ChildProcess;

// The environment as it is: under scripts/node24.sh, NODE_OPTIONS points the Kafka client at its Node 24 build.
const spawnNode: Launch = (argv) => spawn(process.execPath, argv, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Runs `node <argv>` from the repository root and SIGKILLs it as `when` says. Rejects when it
 * outlives `timeoutMs` (after killing it) or fails on its own.
 *
 * @example
 * const exit = await runKillable<{ recordsIn: number }>(['--import', 'tsx', JOB], { label: 'crash job', delayMs: 500, timeoutMs: 20_000 });
 */
export function runKillable<D>(argv: readonly string[], when: KillWhen, launch: Launch = spawnNode): Promise<KillableExit<D>> {
  if (closed) return Promise.reject(new Error('the crash test is over: no more job runs'));
  const started = performance.now();
  const child = launch(argv);
  live.add(child);
  const pid = child.pid ?? -1;
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
  if (when.delayMs !== undefined) timers.push(setTimeout(() => kill(`after ${when.delayMs} ms`), when.delayMs));
  if (when.poll !== undefined) {
    const hit = when.poll(pid);
    timers.push(setInterval(() => {
      const why = hit();
      if (why !== null) kill(why);
    }, 1));
  }
  timers.push(setTimeout(() => {
    timedOut = true;
    kill('timeout');
  }, when.timeoutMs));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      live.delete(child);
      for (const t of timers) clearTimeout(t);
      const ms = Math.round(performance.now() - started);
      // The messages, not the stack frames: the last dozen lines that are not `    at ...`.
      const tail = stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(-12).join('\n');
      if (timedOut) {
        reject(new Error(`${when.label} (pid ${pid}) did not end within ${when.timeoutMs} ms; killed it. stderr:\n${tail}`));
        return;
      }
      const doneLine = /^DONE (.*)$/m.exec(stdout);
      const done = doneLine === null ? null : (JSON.parse(doneLine[1]) as D);
      const killed = signal === 'SIGKILL' && cause !== null;
      if (!killed && (code !== 0 || done === null)) {
        reject(new Error(`${when.label} (pid ${pid}) failed: exit code ${code}, signal ${signal}. stderr:\n${tail}`));
        return;
      }
      resolve({ pid, killed, cause: killed ? cause : null, done: killed ? null : done, ms, stderr });
    });
  });
}
