import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { isObjectStoreUrl, normalizeLocation } from '../checkpoint/checkpoint-location.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { CheckpointRecord } from '../metrics/checkpoint-record.ts';

/** The control socket's file name inside a job's checkpoint directory. */
const SOCKET_FILE = 'control.sock';
/** Longest path a Unix domain socket can be bound to or reached at (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
/** A request line longer than this is not a request. */
const MAX_REQUEST_BYTES = 64 * 1024;
/** How many checkpoint records `status` returns. */
const STATUS_CHECKPOINTS = 10;

/**
 * A request to a running job: one JSON line. Savepoint paths are resolved against the job's
 * working directory, so clients send absolute ones.
 *
 * @example
 * const request: ControlRequest = { cmd: 'stop-with-savepoint', path: '/data/savepoints/sp-1' };
 */
export type ControlRequest =
  | { readonly cmd: 'savepoint'; readonly path: string }
  | { readonly cmd: 'stop-with-savepoint'; readonly path: string }
  | { readonly cmd: 'status' };

/**
 * A job's metrics as they travel over the socket: JSON has no infinities, so a watermark of
 * -Infinity or +Infinity arrives as null.
 *
 * @example
 * const wm = status.metrics.watermark ?? Number.NEGATIVE_INFINITY;
 */
export type JsonMetricsSnapshot = Omit<JobMetricsSnapshot, 'watermark' | 'operators'> & {
  readonly watermark: number | null;
  readonly operators: readonly (Omit<JobMetricsSnapshot['operators'][number], 'watermark'> & { readonly watermark: number | null })[];
};

/**
 * The answer to a request: one JSON line. `savepoint` and `stop-with-savepoint` answer with the
 * savepoint's absolute path once it is durable; `status` with the job's metrics and its last
 * checkpoints (oldest first); anything that went wrong with `ok: false` and what.
 *
 * @example
 * const response: ControlResponse = { ok: true, path: '/data/savepoints/sp-1' };
 */
export type ControlResponse =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: true; readonly job: string; readonly metrics: JsonMetricsSnapshot; readonly checkpoints: readonly CheckpointRecord[] }
  | { readonly ok: false; readonly error: string };

/**
 * What the control socket acts on: a running job (the environment's JobHandle is one).
 *
 * @example
 * const target: ControlTarget = env.executeAsync('clicks');
 */
export interface ControlTarget {
  readonly name: string;
  metrics(): JobMetricsSnapshot;
  checkpoints(): readonly CheckpointRecord[];
  savepoint(path: string): Promise<string>;
  stopWithSavepoint(path: string): Promise<string>;
}

/**
 * Where the control socket of the job checkpointing into `checkpointDir` lives (absolute).
 *
 * @example
 * controlSocketPath('.eddy/checkpoints/clicks'); // '/srv/app/.eddy/checkpoints/clicks/control.sock'
 */
export function controlSocketPath(checkpointDir: string): string {
  return join(resolve(checkpointDir), SOCKET_FILE);
}

/**
 * The name to bind or connect to for the socket at `absolute`: the absolute path, or the path
 * relative to the working directory when only that one fits the Unix limit of 107 bytes (Node
 * would silently cut a longer one). Null when neither fits.
 *
 * @example
 * socketAddress('/tmp/ckpt/control.sock'); // '/tmp/ckpt/control.sock'
 */
export function socketAddress(absolute: string): string | null {
  // The absolute path when it fits (it does not depend on the working directory), else the relative one.
  const fits = (p: string) => p !== '' && Buffer.byteLength(p) <= MAX_SOCKET_PATH;
  if (fits(absolute)) return absolute;
  const rel = relative(process.cwd(), absolute);
  return fits(rel) ? rel : null;
}

interface Connection {
  readonly socket: Socket;
  answered: boolean;
}

/**
 * The Unix domain socket through which a separate process (`eddy savepoint`, `eddy status`)
 * reaches a running job: `<checkpoint dir>/control.sock`, never TCP, readable by the owner only.
 * One JSON line in, one JSON line out, per connection. A socket file left by a job that died is
 * replaced; a live one belonging to another job is left alone (with a warning). Failing to listen
 * never fails the job. `close` answers requests still waiting (the job ended) and removes the file.
 *
 * @example
 * const control = new ControlSocket(config.dir, handle, log);
 * await control.listen();
 * await handle.result;
 * await control.close();
 */
export class ControlSocket {
  readonly path: string;
  private server: Server | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;
  /** Requests not answered yet. */
  private readonly connections = new Set<Connection>();
  /** Every client socket still open. */
  private readonly sockets = new Set<Socket>();

  constructor(checkpointDir: string, private readonly target: ControlTarget, private readonly log: (line: string) => void) {
    this.path = controlSocketPath(checkpointDir);
  }

  /** Starts listening; calling it again (a restarted attempt) does nothing. */
  listen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.starting ??= this.start().catch((e: unknown) => {
      this.log(`job '${this.target.name}': no control socket at ${this.path} (eddy savepoint cannot reach this job): ${e instanceof Error ? e.message : String(e)}`);
    });
    return this.starting;
  }

  /** Stops listening, answers what is still waiting, removes the socket file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    for (const c of this.connections) this.reply(c, { ok: false, error: `job '${this.target.name}' ended before the request was done` });
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const closed = new Promise<void>((done) => server.close(() => done()));
    // A client that keeps its end open must not hold the job's end back: what was written is sent, then the socket goes.
    for (const socket of this.sockets) socket.destroySoon();
    await closed;
    await rm(this.path, { force: true });
  }

  private async start(): Promise<void> {
    const address = socketAddress(this.path);
    if (address === null) throw new Error(`the path is longer than the ${MAX_SOCKET_PATH} bytes a Unix socket allows; use a shorter checkpoint directory`);
    await mkdir(resolve(this.path, '..'), { recursive: true });
    const server = createServer((socket) => this.accept(socket));
    try {
      await listenOn(server, address);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      if (await isLive(address)) throw new Error('another process is listening there (two jobs with the same checkpoint directory?)');
      await rm(this.path, { force: true }); // left by a job that did not close it (killed)
      await listenOn(server, address);
    }
    server.unref(); // the socket alone must not keep a finished job's process alive
    server.on('error', (e) => this.log(`job '${this.target.name}': control socket ${this.path}: ${e.message}`));
    this.server = server; // set before anything else can fail, so that close() closes it
    await chmod(this.path, 0o600);
  }

  private accept(socket: Socket): void {
    const connection: Connection = { socket, answered: false };
    this.connections.add(connection);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => this.connections.delete(connection)); // the client went away
    this.sockets.add(socket);
    socket.on('close', () => {
      this.connections.delete(connection);
      this.sockets.delete(socket);
    });
    const onData = (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) this.reply(connection, { ok: false, error: 'request line too long' });
        return;
      }
      socket.off('data', onData);
      void this.answer(buffered.slice(0, end)).then((response) => this.reply(connection, response));
    };
    socket.on('data', onData);
  }

  private reply(connection: Connection, response: ControlResponse): void {
    if (connection.answered) return;
    connection.answered = true;
    this.connections.delete(connection);
    if (!connection.socket.destroyed) connection.socket.end(`${JSON.stringify(response)}\n`);
  }

  private async answer(line: string): Promise<ControlResponse> {
    let request: Partial<Record<string, unknown>>;
    try {
      request = JSON.parse(line) as Partial<Record<string, unknown>>;
      if (typeof request !== 'object' || request === null) throw new Error('not an object');
    } catch {
      return { ok: false, error: `not a JSON request: ${line.slice(0, 80)}` };
    }
    const job = this.target;
    switch (request.cmd) {
      case 'status':
        // JSON.stringify writes infinities as null, which is what JsonMetricsSnapshot says.
        return { ok: true, job: job.name, metrics: job.metrics() as unknown as JsonMetricsSnapshot, checkpoints: job.checkpoints().slice(-STATUS_CHECKPOINTS) };
      case 'savepoint':
      case 'stop-with-savepoint': {
        if (typeof request.path !== 'string' || request.path === '') return { ok: false, error: `${request.cmd} needs a path` };
        const path = normalizeLocation(request.path);
        // An object store's is checked by the job, which has its credentials.
        if (!isObjectStoreUrl(path) && await stat(join(path, 'MANIFEST.json')).then(() => true, () => false)) {
          return { ok: false, error: `${path} already holds a savepoint; choose another path` };
        }
        try {
          return { ok: true, path: request.cmd === 'savepoint' ? await job.savepoint(path) : await job.stopWithSavepoint(path) };
        } catch (e) {
          return { ok: false, error: e instanceof Error ? e.message : String(e) };
        }
      }
      default:
        return { ok: false, error: `unknown command ${JSON.stringify(request.cmd)}; expected 'savepoint', 'stop-with-savepoint' or 'status'` };
    }
  }
}

function listenOn(server: Server, address: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (e: Error) => fail(e);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      done();
    });
  });
}

/** Whether something accepts connections at `address` (a socket file without a listener refuses). */
function isLive(address: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = connect(address);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
}
