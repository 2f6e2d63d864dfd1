import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { MetricsHistory } from '../metrics/metrics-history.ts';
import { createPrometheusRegistry } from '../metrics/prometheus-registry.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { isFinal, RestApi } from './rest-api.ts';
import { webJson } from './web-json.ts';
import type { WebAddress } from './web-address.ts';
import { isLoopback, type ResolvedWebOptions } from './web-options.ts';
import type { WebTarget } from './web-target.ts';
import { type RepeatingTimer, repeatEvery } from '../time/wall-timer.ts';

/** The dashboard's files, served from memory (read once at start). */
const ASSETS: Record<string, string> = {
  '/': 'index.html',
  '/assets/dashboard.js': 'dashboard.js',
  '/assets/dashboard.css': 'dashboard.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** Largest request body accepted (savepoint requests are a few bytes). */
const MAX_BODY_BYTES = 16 * 1024;
const COOKIE = 'eddy_token';
/** A dashboard page that polled this recently is open, and is waited for at the job's end. */
const WATCHING_MS = 3_000;
/** Longest wait at the job's end for open pages to fetch its final state. */
const FINAL_WAIT_MS = 2_500;
/** Servers of ended jobs kept per process (their pages show the final state); the oldest are closed first. */
const MAX_LINGERING = 8;
/** Servers of ended jobs, by address, oldest first: a new job that needs the address takes it over. */
const lingering = new Map<string, WebServer>();

/**
 * A running job's HTTP server: the dashboard (static files, no CDN), the REST API and /metrics
 * for Prometheus. It samples the job's metrics on a timer for the charts. When the job ends, it
 * waits (briefly) until every open dashboard page has fetched the final state, then goes on
 * serving that state without keeping the process alive, until the process exits or a later job of
 * the process takes its address.
 * Without a token it answers only requests addressed to a loopback name (no DNS rebinding); with
 * one, every request must carry it (header, `?token=`, or the cookie the dashboard page sets).
 * POST requests must be JSON, which a page from another origin cannot send without asking first.
 *
 * @example
 * const server = new WebServer(target, resolveWebOptions({ port: 0 }), systemClock, log);
 * const { url } = await server.start();
 * await server.close();
 */
export class WebServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private timer: RepeatingTimer | null = null;
  private assets = new Map<string, string>();
  readonly history: MetricsHistory;
  readonly registry: Registry;
  private readonly api: RestApi;
  private address: WebAddress | null = null;
  private starting: Promise<WebAddress> | null = null;
  private closed = false;
  /** The job has ended: the server shows its final state and no longer keeps the process alive. */
  private ended = false;
  /** Dashboard pages by the id they poll with: when each last asked, and whether it has had the final state. */
  private readonly pages = new Map<string, { seen: number; final: boolean }>();

  constructor(private readonly target: WebTarget, private readonly options: ResolvedWebOptions, private readonly clock: Clock, private readonly log: (line: string) => void) {
    this.history = new MetricsHistory(options.historyPoints);
    this.registry = createPrometheusRegistry({ name: target.name, metrics: () => target.metrics() }, { defaultMetrics: options.defaultMetrics });
    this.api = new RestApi(target, this.history, clock);
  }

  /** Listens; resolves with the bound address (the real port when 0 was asked for). */
  start(): Promise<WebAddress> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<WebAddress> {
    for (const [route, file] of Object.entries(ASSETS)) this.assets.set(route, await readFile(new URL(`./assets/${file}`, import.meta.url), 'utf8'));
    // An ended job's server still holding the address gives it up to this one.
    await lingering.get(this.key())?.close();
    const server = createServer((req, res) => void this.serve(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      if (this.ended) socket.unref();
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', fail);
        done();
      });
    });
    this.server = server;
    if (this.closed) {
      // The job ended while the server was starting: it must not outlive the job.
      await this.close();
      throw new Error(`job '${this.target.name}' ended before its web server started`);
    }
    server.on('error', (e) => this.log(`job '${this.target.name}': web server: ${e.message}`));
    const bound = server.address();
    const port = typeof bound === 'object' && bound !== null ? bound.port : this.options.port;
    const host = this.options.host;
    this.address = { host, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/` };
    this.sample();
    // Wall time (not the job's clock): the charts follow wall time.
    this.timer = repeatEvery(this.options.sampleEveryMs, () => this.sample());
    return this.address;
  }

  /** Takes one chart point now (the timer does this every `sampleEveryMs`). */
  sample(): void {
    try {
      this.history.add(this.target.metrics());
    } catch (e) {
      this.log(`job '${this.target.name}': metrics sample failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * The job has ended: takes a last chart point, waits until every dashboard page that is open
   * (it polled in the last 3 s) has fetched the final state (at most 2.5 s), then serves that
   * state on without keeping the process alive.
   */
  async finish(): Promise<void> {
    if (this.ended || this.closed) return;
    this.ended = true;
    await this.starting?.catch(() => {});
    this.timer?.stop();
    this.timer = null;
    const server = this.server;
    if (server === null) return;
    this.sample();
    const until = systemClock.now() + FINAL_WAIT_MS;
    while (systemClock.now() < until && this.pagesWaiting()) await systemClock.sleep(50);
    server.unref();
    for (const s of this.sockets) s.unref();
    const key = this.key();
    lingering.delete(key);
    lingering.set(key, this);
    for (const old of lingering.values()) {
      if (lingering.size <= MAX_LINGERING) break;
      void old.close();
    }
  }

  private pagesWaiting(): boolean {
    const now = systemClock.now();
    for (const p of this.pages.values()) if (!p.final && now - p.seen < WATCHING_MS) return true;
    return false;
  }

  /** A page polled the dashboard route; `final` once the answer it got carried the final state. */
  private pageSeen(id: string, final: boolean): void {
    if (this.pages.size > 100 && !this.pages.has(id)) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(id, { seen: systemClock.now(), final });
  }

  private key(): string {
    return `${this.options.host}:${this.address?.port ?? this.options.port}`;
  }

  /** Stops listening and closes open connections (keep-alive ones included). */
  async close(): Promise<void> {
    if (lingering.get(this.key()) === this) lingering.delete(this.key());
    if (!this.closed) {
      this.closed = true;
      await this.starting?.catch(() => {});
    }
    this.timer?.stop();
    this.timer = null;
    const server = this.server;
    this.server = null;
    if (server === null) return;
    const closed = new Promise<void>((done) => server.close(() => done()));
    for (const s of this.sockets) s.destroySoon();
    server.closeIdleConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-store');
      const denied = this.deny(req, url);
      if (denied !== null) return send(res, denied.status, { error: denied.error });
      const token = this.options.token;
      if (token !== null && url.searchParams.get('token') === token) {
        // The page was opened with ?token=: its scripts and fetches carry the cookie from now on.
        res.setHeader('Set-Cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      }
      const path = url.pathname;
      if (req.method === 'GET' && this.assets.has(path)) {
        const file = ASSETS[path];
        res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        res.writeHead(200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.') + 1)] });
        res.end(this.assets.get(path));
        return;
      }
      if (path === '/metrics' && req.method === 'GET') {
        const text = await this.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(text);
        return;
      }
      if (!path.startsWith('/api/')) return send(res, 404, { error: `no page ${path}; the dashboard is at /` });
      let body: unknown = null;
      if (req.method === 'POST') {
        const status = this.target.status();
        if (isFinal(status)) return send(res, 409, { error: `job '${this.target.name}' has ended (${status}); this page shows its final state` });
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'POST requests must have Content-Type: application/json' });
        const text = await readBody(req);
        if (text === null) return send(res, 413, { error: `request body over ${MAX_BODY_BYTES} bytes` });
        try {
          body = text.trim() === '' ? {} : JSON.parse(text);
        } catch {
          return send(res, 400, { error: 'request body is not JSON' });
        }
      }
      const page = path === '/api/dashboard' ? url.searchParams.get('page') : null;
      const final = isFinal(this.target.status()); // before the answer is computed: it is then at least as new
      const answer = await this.api.handle(req.method ?? 'GET', path, url.searchParams, body);
      if (page !== null) res.once('finish', () => this.pageSeen(page, final));
      send(res, answer.status, answer.body);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    }
  }

  /** Why a request is refused (401 without the token, 403 to a non-loopback Host without one), or null. */
  private deny(req: IncomingMessage, url: URL): { status: number; error: string } | null {
    const token = this.options.token;
    if (token === null) {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopback(host)) return { status: 403, error: `this job's web server only answers requests to a loopback address, not '${host}'` };
      return null;
    }
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7)
      : url.searchParams.get('token') ?? cookie(req.headers.cookie, COOKIE);
    if (given === null || given === undefined || !sameSecret(given, token)) {
      return { status: 401, error: 'a token is required: send Authorization: Bearer <token>, or open the dashboard with ?token=<token>' };
    }
    return null;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = webJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(text);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
