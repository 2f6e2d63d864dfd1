import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckpointStore } from '../checkpoint-store.ts';
import { CorruptCheckpointError } from '../corrupt-checkpoint-error.ts';
import { resolveObjectStoreOptions, type ObjectStoreOptions } from './object-store-options.ts';
import { S3Client, unescapeXml } from './s3-client.ts';

/** One S3 client per endpoint and options object: they share connections. */
const clients = new WeakMap<ObjectStoreOptions, Map<string, S3Client>>();

/**
 * Checkpoint files as objects under `s3://bucket/prefix/` in an S3-compatible object store. A PUT
 * is atomic (an object is there whole or not at all), so the manifest, written last, seals a
 * checkpoint as the rename does on disk. LMDB copies are written to `localDir` first, uploaded,
 * and removed; restoring one downloads it there.
 *
 * @example
 * const store = new ObjectStore('s3://state/clicks', {}, '/var/tmp/eddy/state/clicks');
 */
export class ObjectStore implements CheckpointStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly s3: S3Client;

  constructor(url: string, options: ObjectStoreOptions, readonly localDir: string) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
    if (m === null) throw new Error(`'${url}' is not an object store location; write it as s3://bucket/prefix`);
    this.bucket = m[1];
    this.prefix = m[2].replace(/\/+$/, '');
    this.location = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
    const resolved = resolveObjectStoreOptions(options);
    let byEndpoint = clients.get(options);
    if (byEndpoint === undefined) clients.set(options, byEndpoint = new Map());
    const id = `${resolved.endpoint.href} ${resolved.region}`;
    let client = byEndpoint.get(id);
    if (client === undefined) byEndpoint.set(id, client = new S3Client(resolved));
    this.s3 = client;
  }

  private key(path: string): string {
    return this.prefix === '' ? path : `${this.prefix}/${path}`;
  }

  /** Keys (relative to `under`) and, with a delimiter, the "directories" just below it. */
  private async list(under: string, delimiter: boolean): Promise<{ keys: string[]; dirs: string[] }> {
    const keys: string[] = [];
    const dirs: string[] = [];
    let token: string | null = null;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix: under };
      if (delimiter) query.delimiter = '/';
      if (token !== null) query['continuation-token'] = token;
      const text = (await this.s3.send('GET', this.bucket, '', { query })).body.toString('utf8');
      for (const m of text.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<\/Contents>/g)) keys.push(unescapeXml(m[1]).slice(under.length));
      for (const m of text.matchAll(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>/g)) dirs.push(unescapeXml(m[1]).slice(under.length).replace(/\/$/, ''));
      token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? unescapeXml(/<NextContinuationToken>([^<]*)</.exec(text)?.[1] ?? '') || null : null;
    } while (token !== null);
    return { keys, dirs };
  }

  private root(): string {
    return this.prefix === '' ? '' : `${this.prefix}/`;
  }

  async entries(): Promise<string[]> {
    const { keys, dirs } = await this.list(this.root(), true);
    return [...dirs, ...keys];
  }

  async filesUnder(dir: string): Promise<string[]> {
    return (await this.list(`${this.key(dir)}/`, false)).keys.map((k) => `${dir}/${k}`);
  }

  async size(path: string): Promise<number | null> {
    const answer = await this.s3.send('HEAD', this.bucket, this.key(path));
    return answer.status === 404 ? null : Number(answer.headers['content-length'] ?? 0);
  }

  async read(path: string): Promise<Buffer | null> {
    const answer = await this.s3.send('GET', this.bucket, this.key(path));
    return answer.status === 404 ? null : answer.body;
  }

  async write(path: string, data: Buffer | string): Promise<void> {
    await this.s3.send('PUT', this.bucket, this.key(path), { body: data });
  }

  async remove(path: string): Promise<void> {
    for (const f of await this.filesUnder(path)) await this.s3.send('DELETE', this.bucket, this.key(f));
    await this.s3.send('DELETE', this.bucket, this.key(path));
  }

  async clear(): Promise<void> {
    for (const k of (await this.list(this.root(), false)).keys) await this.s3.send('DELETE', this.bucket, this.root() + k);
    await rm(this.localDir, { recursive: true, force: true });
  }

  stagingPath(path: string): string {
    return join(this.localDir, 'upload', path);
  }

  async putStaged(path: string): Promise<void> {
    const file = this.stagingPath(path);
    await this.s3.send('PUT', this.bucket, this.key(path), { file: { path: file, bytes: (await stat(file)).size } });
    await rm(file, { force: true });
    await rmdir(dirname(file)).catch(() => {}); // the copy's directory, once empty
  }

  async localFile(path: string): Promise<{ file: string; downloaded: boolean }> {
    const file = join(this.localDir, 'download', path);
    await mkdir(dirname(file), { recursive: true });
    const part = `${file}.part`;
    const answer = await this.s3.send('GET', this.bucket, this.key(path), { toFile: part });
    if (answer.status === 404) throw new CorruptCheckpointError(`${this.location}/${path} is missing`);
    await rename(part, file);
    return { file, downloaded: true };
  }
}
