import { createHash, createHmac } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { systemClock } from '../../time/clock.ts';
import type { ResolvedObjectStoreOptions } from './object-store-options.ts';

/** A request the object store refused, or could not be sent: says what, where, and what to do. */
export class ObjectStoreError extends Error {
  constructor(message: string, readonly status: number | null, readonly code: string | null) {
    super(message);
  }
}

/** What to send: a body in memory or a file (streamed), and where the answer goes. */
interface Send {
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly file?: { readonly path: string; readonly bytes: number };
  /** Stream a 200 answer's body into this file instead of memory. */
  readonly toFile?: string;
}

/** An answer: 404 comes back as a status (a missing object is an answer, not an error). */
interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Idle time after which a request whose server stopped answering fails. */
const SOCKET_IDLE_MS = 60_000;

/**
 * The few S3 requests checkpoints need (PUT, GET, HEAD, DELETE, ListObjectsV2), signed with AWS
 * Signature Version 4 over node:http(s) with keep-alive. Payloads are sent unsigned
 * (`UNSIGNED-PAYLOAD`): every file is checked against the sha256 its manifest carries when it is
 * read back, and a file is streamed, not read, to be signed. No retries: a failed request fails
 * the checkpoint, which the coordinator tolerates and retries with the next.
 *
 * @example
 * const s3 = new S3Client(resolveObjectStoreOptions({ endpoint: 'http://127.0.0.1:9000' }));
 * await s3.send('PUT', 'bucket', 'chk-000001/MANIFEST.json', { body: '{}' });
 */
export class S3Client {
  private readonly agent: HttpAgent;

  constructor(readonly options: ResolvedObjectStoreOptions) {
    this.agent = options.endpoint.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  /** Sends one request; a status other than 2xx or 404 is an ObjectStoreError saying what to do. */
  async send(method: 'GET' | 'PUT' | 'HEAD' | 'DELETE', bucket: string, key: string, what: Send = {}): Promise<Answer> {
    const o = this.options;
    const ep = o.endpoint;
    const base = ep.pathname.replace(/\/$/, '');
    const keyPath = key === '' ? '' : `/${key.split('/').map(encode).join('/')}`;
    const host = o.pathStyle ? ep.host : `${bucket}.${ep.host}`;
    const path = o.pathStyle ? `${base}/${encode(bucket)}${keyPath}` : `${base}${keyPath || '/'}`;
    const query = Object.entries(what.query ?? {}).map(([k, v]) => [encode(k), encode(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const queryString = query.map(([k, v]) => `${k}=${v}`).join('&');
    const length = what.file?.bytes ?? (what.body === undefined ? 0 : Buffer.byteLength(what.body));
    const headers: Record<string, string> = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': amzDate(systemClock.now()) };
    if (method === 'PUT') headers['content-length'] = String(length);
    const credentials = await o.credentials();
    if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
    headers.authorization = authorization(method, path, queryString, headers, o.region, credentials.accessKeyId, credentials.secretAccessKey);
    const where = `${method} ${describe(ep, bucket, key)}`;
    let answer: Answer;
    try {
      answer = await this.exchange(o.endpoint.protocol === 'https:', {
        host: ep.hostname, port: ep.port, method, path: queryString === '' ? path : `${path}?${queryString}`, headers, agent: this.agent, timeout: SOCKET_IDLE_MS,
      }, what);
    } catch (e) {
      if (e instanceof ObjectStoreError) throw e;
      const err = e as NodeJS.ErrnoException;
      throw new ObjectStoreError(
        `object store: ${where} failed: cannot reach ${ep.origin} (${err.code ?? err.message}); is the object store running there? ` +
          '(the endpoint comes from checkpoints.objectStore.endpoint, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL)',
        null, err.code ?? null,
      );
    }
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 404) {
      if (answer.status === 404 && /<Code>NoSuchBucket<\/Code>/.test(answer.body.toString('utf8'))) throw refused(where, bucket, ep, answer);
      return answer;
    }
    throw refused(where, bucket, ep, answer);
  }

  private exchange(https: boolean, options: RequestOptions, what: Send): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(options, (res) => {
        const status = res.statusCode ?? 0;
        if (what.toFile !== undefined && status === 200) {
          pipeline(res, createWriteStream(what.toFile)).then(() => resolve({ status, headers: res.headers, body: Buffer.alloc(0) }), reject);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer for ${SOCKET_IDLE_MS} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (what.file !== undefined) pipeline(createReadStream(what.file.path), req).catch(reject);
      else req.end(what.body);
    });
  }
}

/** An S3 error answer as a message: what was refused, and the likely fix for the usual codes. */
function refused(where: string, bucket: string, ep: URL, answer: Answer): ObjectStoreError {
  const text = answer.body.toString('utf8');
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? null;
  const detail = unescapeXml(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '');
  const reason = `${answer.status}${code !== null ? ` ${code}` : ''}${detail !== '' ? ` (${detail})` : ''}`;
  const fix = code === 'NoSuchBucket'
    ? `the bucket '${bucket}' does not exist at ${ep.origin}: create it, or point checkpoints.dir at one that does`
    : code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'AccessDenied' || answer.status === 403
      ? 'the object store refused the credentials: check checkpoints.objectStore.credentials or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and their permissions on the bucket)'
      : 'see the object store\'s logs';
  return new ObjectStoreError(`object store: ${where} refused: ${reason}; ${fix}`, answer.status, code);
}

function describe(ep: URL, bucket: string, key: string): string {
  return `s3://${bucket}/${key} at ${ep.origin}`;
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The Authorization header of AWS Signature Version 4 for service s3. */
function authorization(method: string, path: string, query: string, headers: Readonly<Record<string, string>>, region: string, keyId: string, secret: string): string {
  const date = headers['x-amz-date'];
  const day = date.slice(0, 8);
  const names = Object.keys(headers).sort();
  const canonical = [method, path, query, ...names.map((n) => `${n}:${headers[n].trim()}`), '', names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonical)}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  return `AWS4-HMAC-SHA256 Credential=${keyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${createHmac('sha256', key).update(toSign).digest('hex')}`;
}

/** The five entities XML escapes. */
export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');
}
