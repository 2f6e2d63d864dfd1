import { isIP } from 'node:net';

/**
 * Where a running job serves its dashboard, REST API and /metrics. Binding to anything but a
 * loopback address needs a token: requests must then carry `Authorization: Bearer <token>` (or
 * `?token=` for the dashboard page in a browser). Port 0 picks a free port (see `JobHandle.web`).
 *
 * @example
 * StreamEnvironment.create({ web: { port: 8081 } });                                  // 127.0.0.1:8081
 * StreamEnvironment.create({ web: { host: '0.0.0.0', port: 8081, token: process.env.EDDY_TOKEN } });
 */
export interface WebOptions {
  /** TCP port; 0 for any free one (default 8081). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Required beyond loopback; when set, required of every request, loopback included. */
  readonly token?: string;
  /** Chart points kept per series (default 600: ten minutes at one a second). */
  readonly historyPoints?: number;
  /** How often the charts take a point, in ms (default 1000). */
  readonly sampleEveryMs?: number;
  /** Also serve prom-client's Node.js runtime metrics (event loop, heap, GC, CPU, RSS) at /metrics (default true). */
  readonly defaultMetrics?: boolean;
}

/**
 * Web options with defaults applied and checked.
 *
 * @example
 * const o: ResolvedWebOptions = resolveWebOptions({ port: 0 });
 */
export interface ResolvedWebOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string | null;
  readonly historyPoints: number;
  readonly sampleEveryMs: number;
  readonly defaultMetrics: boolean;
}

/** Shortest token accepted: anything shorter is guessable. */
const MIN_TOKEN_LENGTH = 16;

/**
 * Whether `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost).
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 * isLoopback('0.0.0.0');   // false
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Applies defaults and refuses what would be unsafe or cannot work: a non-loopback host without a
 * token, a short token, a bad port.
 *
 * @example
 * resolveWebOptions({ host: '0.0.0.0' }); // throws: binding beyond loopback needs a token
 */
export function resolveWebOptions(options: WebOptions): ResolvedWebOptions {
  const port = options.port ?? 8081;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`web.port must be an integer from 0 to 65535, got ${port}`);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  if (token !== null && token.length < MIN_TOKEN_LENGTH) throw new Error(`web.token must be at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 16\`)`);
  if (!isLoopback(host) && token === null) {
    throw new Error(`web.host '${host}' is reachable from other machines, so the dashboard and REST API (which can stop the job and read its state) need a token: set web.token (or --web-token), or bind to 127.0.0.1`);
  }
  const historyPoints = options.historyPoints ?? 600;
  if (!Number.isInteger(historyPoints) || historyPoints < 10) throw new Error(`web.historyPoints must be an integer >= 10, got ${historyPoints}`);
  const sampleEveryMs = options.sampleEveryMs ?? 1_000;
  if (!(sampleEveryMs >= 50)) throw new Error(`web.sampleEveryMs must be >= 50, got ${sampleEveryMs}`);
  return { port, host, token, historyPoints, sampleEveryMs, defaultMetrics: options.defaultMetrics ?? true };
}
