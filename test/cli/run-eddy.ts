import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI is spawned from here, like `npm run example`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The eddy command, spawned as a user would (plain `node bin/eddy.mjs`, no extra flags). */
export const EDDY = join(ROOT, 'bin', 'eddy.mjs');

/** How a spawned command ended. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of `runEddy`. */
export interface RunEddyOptions {
  /** Directory the fixtures write their output to (EDDY_TEST_OUT). */
  readonly out?: string;
  /** Sends `signal` once stderr matches `when`. */
  readonly interrupt?: { readonly when: RegExp; readonly signal: NodeJS.Signals };
  /** More environment variables for the fixture. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the command runs (default: the repository root). */
  readonly cwd?: string;
}

/**
 * A command started in the background: its process, what it printed so far, and its end.
 *
 * @example
 * const job = startEddy(['run', 'test/cli/fixtures/counting-job.ts'], { out });
 * job.child.kill('SIGTERM');
 * await job.done;
 */
export interface Started {
  readonly child: ChildProcess;
  stderr(): string;
  readonly done: Promise<Ran>;
}

/**
 * Runs `node bin/eddy.mjs ...args` in the repository root and collects its output.
 *
 * @example
 * const { code, stderr } = await runEddy(['run', 'test/cli/fixtures/double-job.ts'], { out: dir });
 */
export function runEddy(args: readonly string[], options: RunEddyOptions = {}): Promise<Ran> {
  return startEddy(args, options).done;
}

/**
 * Starts `node bin/eddy.mjs ...args` in the repository root without waiting for it.
 *
 * @example
 * const job = startEddy(['run', 'test/cli/fixtures/endless-job.ts'], { out: dir });
 */
export function startEddy(args: readonly string[], options: RunEddyOptions = {}): Started {
  const child = spawn(process.execPath, [EDDY, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, EDDY_TEST_OUT: options.out ?? tmpdir(), NODE_OPTIONS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    if (options.interrupt && !interrupted && options.interrupt.when.test(stderr)) {
      interrupted = true;
      child.kill(options.interrupt.signal);
    }
  });
  const done = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

/**
 * A fresh temporary directory, removed by the returned function.
 *
 * @example
 * const [dir, cleanup] = tempDir(); after(cleanup);
 */
export function tempDir(): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cli-'));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}
