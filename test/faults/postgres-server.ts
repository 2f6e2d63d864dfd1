import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePorts, portOpen, runScript, waitFor, watchdog } from './server-process.ts';

/** Ports a test may give its own PostgreSQL server. */
const PORTS = [25432, 25439] as const;
const UP_TIMEOUT_MS = 120_000;

/**
 * A PostgreSQL server of the test's own (never the shared one), started with
 * `scripts/postgres/up.sh` on a free port in 25432-25439 with its data in a temporary directory,
 * which a test may restart or crash. A watchdog stops it if the test process dies first.
 *
 * @example
 * const db = await PostgresServer.start();
 * await db.restart('immediate'); await db.stop();
 */
export class PostgresServer {
  private readonly stopWatchdog: () => void;

  private constructor(readonly url: string, readonly port: number, readonly area: string, private readonly env: Record<string, string>) {
    this.stopWatchdog = watchdog(`EDDY_PG_AREA='${area}' bash scripts/postgres/down.sh --clean >/dev/null 2>&1`);
  }

  static async start(): Promise<PostgresServer> {
    const [port] = await freePorts(PORTS[0], PORTS[1], 1);
    const parent = mkdtempSync(join(tmpdir(), `eddy-faults-pg-${port}-`));
    // Searchable by the `postgres` user that runs the server when we are root (see up.sh).
    chmodSync(parent, 0o755);
    const area = join(parent, 'pg');
    const env = { PGPORT_EDDY: String(port), EDDY_PG_AREA: area, EDDY_PG_READY_TIMEOUT: '90' };
    const server = new PostgresServer(`postgres://eddy:eddy@127.0.0.1:${port}/eddy`, port, area, env);
    try {
      await runScript('scripts/postgres/up.sh', env, UP_TIMEOUT_MS);
    } catch (e) {
      await server.stop().catch(() => {});
      throw e;
    }
    return server;
  }

  /** A pool for the test's own queries. */
  pool(): pg.Pool {
    const p = new pg.Pool({ connectionString: this.url, max: 2 });
    p.on('error', () => {});
    return p;
  }

  /**
   * Stops the server and starts it again. 'immediate' is a crash (no checkpoint, clients cut off,
   * recovery from the WAL at start); 'fast' a clean shutdown that rolls back open transactions.
   * Prepared transactions survive both. Resolves when it accepts connections again; `downMs`
   * keeps it down that long first.
   */
  async restart(mode: 'immediate' | 'fast', downMs = 0): Promise<void> {
    this.pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
    await waitFor(`port ${this.port} to close`, async () => !(await portOpen(this.port)), 30_000, 50);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await runScript('scripts/postgres/up.sh', this.env, UP_TIMEOUT_MS);
  }

  /** Stops the server and deletes its data. */
  async stop(): Promise<void> {
    try {
      await runScript('scripts/postgres/down.sh', { ...this.env }, 60_000).catch(() => {});
    } finally {
      this.stopWatchdog();
      // down.sh --clean would refuse a live postmaster; the area (and its symlink target) go now.
      const target = isLink(this.area) ? readlinkSync(this.area) : null;
      if (target !== null) rmSync(target, { recursive: true, force: true });
      rmSync(join(this.area, '..'), { recursive: true, force: true });
    }
  }

  /** pg_ctl as the server's owner (root runs the server as `postgres`, like up.sh). */
  private pgCtl(args: string[]): void {
    const data = join(this.area, 'data');
    const version = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();
    const pgCtl = `/usr/lib/postgresql/${version}/bin/pg_ctl`;
    const cmd = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', pgCtl, '-D', data, ...args] : [pgCtl, '-D', data, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: '/', encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  }

  /** Where the scripts keep this server (for a test that wants its log). */
  get logFile(): string {
    return join(this.area, 'log', 'postgres.log');
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
