import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: the server scripts live under it. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs one of the project's server scripts (`scripts/kafka/up.sh`, ...) with `env` added, and
 * resolves with its stdout; rejects with the tail of its stderr when it fails or outlives
 * `timeoutMs` (it is killed then).
 *
 * @example
 * const line = await runScript('scripts/kafka/up.sh', { KAFKA_PORT: '29092' }, 120_000);
 */
export function runScript(script: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} failed (exit ${code}, signal ${signal}; timeout ${timeoutMs} ms):\n${err.split('\n').slice(-20).join('\n')}`));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      s.destroy();
      resolve(open);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1_000, () => done(false));
  });
}

/**
 * The first group of `width` consecutive ports in [from, to] where nothing listens (a server of
 * an earlier or concurrent run keeps its ports; this run takes the next free ones).
 *
 * @example
 * const [client, controller] = await freePorts(29092, 29099, 2);
 */
export async function freePorts(from: number, to: number, width: number): Promise<number[]> {
  for (let p = from; p + width - 1 <= to; p += width) {
    const ports = Array.from({ length: width }, (_, i) => p + i);
    const busy = await Promise.all(ports.map(portOpen));
    if (!busy.some(Boolean)) return ports;
  }
  throw new Error(`no ${width} free ports in 127.0.0.1:${from}-${to}: servers of earlier runs still listen there (stop them, or wait for their watchdogs)`);
}

/** Sleeps on the wall clock (tests measure real servers in real time). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether process `pid` is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `ok` every `everyMs` until it holds, or throws `what` after `timeoutMs`. */
export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts a detached watchdog shell that runs `cleanup` once this process is gone, however it
 * ends (a test runner killed on timeout never runs `after` hooks): a server a test started never
 * outlives the test by more than a few seconds. Returns a function that stops the watchdog.
 *
 * @example
 * const stopWatchdog = watchdog(`kill -9 $(cat ${home}/kafka.pid)`);
 */
export function watchdog(cleanup: string): () => void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ${cleanup}`;
  const child = spawn('bash', ['-c', script], { cwd: ROOT, detached: true, stdio: 'ignore' });
  child.unref();
  return () => {
    if (child.pid !== undefined && alive(child.pid)) process.kill(child.pid, 'SIGKILL');
  };
}

/** True if `path` exists. */
export const exists = (path: string) => existsSync(path);
