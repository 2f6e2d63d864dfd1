// One function per fault a real server or disk can have, for the fault tests, the chaos run and
// the outage script. Each returns when the fault is over (or a handle that ends it) and says, in
// wall-clock ms, when it began and when the server was usable again.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { KafkaServer } from './kafka-server.ts';
import type { PostgresServer } from './postgres-server.ts';
import { portOpen, sleep, waitFor } from './server-process.ts';

/** When a fault began and when the server could be used again (wall-clock ms). */
export interface FaultWindow {
  readonly fault: string;
  readonly startedAt: number;
  /** The server took connections again (its port is open), maybe before it is ready. */
  readonly listeningAt: number;
  /** The server answers requests again. */
  readonly backAt: number;
}

/**
 * The broker is SIGKILLed (a crash), stays down `downMs`, and is started again from its data
 * directory; resolves once it answers admin requests.
 *
 * @example
 * const w = await brokerOutage(kafka, 10_000); // w.backAt - w.startedAt >= 10_000
 */
export async function brokerOutage(kafka: KafkaServer, downMs: number): Promise<FaultWindow> {
  const startedAt = Date.now();
  await kafka.kill();
  await sleep(Math.max(0, startedAt + downMs - Date.now()));
  const listening = whenListening(kafka.port);
  await kafka.restart();
  return { fault: `Kafka broker killed, down ${Math.round(downMs / 1000)} s, restarted`, startedAt, listeningAt: await listening, backAt: Date.now() };
}

/** Resolves with the time `port` first accepts a connection (polled every 50 ms, for at most 5 minutes). */
async function whenListening(port: number): Promise<number> {
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(50)) {
    if (await portOpen(port)) return Date.now();
  }
  return Date.now();
}

/**
 * PostgreSQL is stopped and started again: 'immediate' is a crash (every connection cut, open
 * transactions lost, recovery from the WAL), 'fast' a clean stop. Prepared transactions survive.
 *
 * @example
 * const w = await postgresRestart(db, 'immediate');
 */
export async function postgresRestart(db: PostgresServer, mode: 'immediate' | 'fast', downMs = 0): Promise<FaultWindow> {
  const startedAt = Date.now();
  const listening = (async () => {
    await waitFor('the server to stop', async () => !(await portOpen(db.port)), 60_000, 20);
    return whenListening(db.port);
  })();
  await db.restart(mode, downMs);
  return { fault: `PostgreSQL restarted (${mode} stop${downMs > 0 ? `, down ${downMs} ms` : ''})`, startedAt, listeningAt: await listening, backAt: Date.now() };
}

/**
 * `pg_terminate_backend` on the connections whose application_name is `applicationName` (a
 * server ending sessions: an administrator, idle_in_transaction_session_timeout), only those in
 * `state` when given ('idle in transaction': one holding an open transaction). The server stays
 * up. Resolves with how many were ended.
 *
 * @example
 * const { terminated } = await terminateBackends(db.url, 'my-job', 'idle in transaction');
 */
export async function terminateBackends(url: string, applicationName: string, state?: string): Promise<FaultWindow & { terminated: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const startedAt = Date.now();
    // One statement: the state is checked at the moment the backend is signalled.
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2) AND pid <> pg_backend_pid()',
      [applicationName, state ?? null]);
    const terminated = rows.filter((r) => r.ok).length;
    const backAt = Date.now();
    return { fault: `pg_terminate_backend on ${terminated} connections of '${applicationName}'${state ? ` (${state})` : ''}`, startedAt, listeningAt: backAt, backAt, terminated };
  } finally {
    await client.end();
  }
}

/** A small filesystem of its own that a test can fill up. */
export interface SmallVolume {
  readonly dir: string;
  /** Fills the volume to the last byte (writes then fail with ENOSPC); `release` gives the space back. */
  fill(): { release(): void };
  unmount(): void;
}

/**
 * A tmpfs of `bytes` mounted on a new temporary directory (needs root, which ignores file
 * permissions, so a full disk is the way to make writes really fail).
 *
 * @example
 * const vol = mountTmpfs(16 << 20); const full = vol.fill(); ...; full.release(); vol.unmount();
 */
export function mountTmpfs(bytes: number): SmallVolume {
  if (process.getuid?.() !== 0) throw new Error('mounting a tmpfs needs root');
  const dir = mkdtempSync(join(tmpdir(), 'eddy-faults-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir]);
  return {
    dir,
    fill: () => fillUp(dir),
    unmount() {
      // Lazy: a file a job still holds open must not keep the mount (and the test) alive.
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a ballast file until the filesystem under `dir` has no byte left. */
function fillUp(dir: string): { release(): void } {
  const ballast = join(dir, `ballast-${process.pid}`);
  const fd = openSync(ballast, 'w');
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  try {
    for (let size = chunk.length; size >= 1;) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        size >>= 1; // fill the last few blocks too
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { release: () => rmSync(ballast, { force: true }) };
}

/**
 * Makes a checkpoint root unwritable for a process that is not root (root ignores permissions:
 * use `mountTmpfs` there): new checkpoint directories cannot be created. Returns the undo.
 *
 * @example
 * const undo = denyWrites(ckpt); ...; undo();
 */
export function denyWrites(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  execFileSync('chmod', ['0555', dir]);
  return () => execFileSync('chmod', ['0755', dir]);
}

/**
 * Flips one byte of a file in place (at `at`, default the middle): what a bad disk block or a
 * torn copy leaves.
 *
 * @example
 * corruptFile('ckpt/chk-000007/op1-keyed-lmdb/data.mdb');
 */
export function corruptFile(path: string, at?: number): void {
  const bytes = readFileSync(path);
  const i = at ?? bytes.length >> 1;
  bytes[i] ^= 0xff;
  writeFileSync(path, bytes);
}
