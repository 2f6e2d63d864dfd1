import { randomBytes } from 'node:crypto';
import { resolveObjectStoreOptions, type ObjectStoreOptions } from '../../src/checkpoint/object-store/object-store-options.ts';
import { S3Client } from '../../src/checkpoint/object-store/s3-client.ts';

/** The object store for tests: `scripts/s3proxy/up.sh` prints it. Fails clearly when unset. */
export function s3Endpoint(): string {
  const e = process.env.S3_ENDPOINT;
  if (e === undefined || e === '') {
    throw new Error('S3_ENDPOINT is not set: start the test object store with eval "export $(scripts/s3proxy/up.sh)" (npm test does this)');
  }
  return e;
}

/** Options reaching the test object store with the credentials scripts/s3proxy/up.sh gives it. */
export function s3Options(): ObjectStoreOptions {
  return {
    endpoint: s3Endpoint(), region: 'us-east-1',
    credentials: { accessKeyId: process.env.S3PROXY_ACCESS_KEY ?? 'eddy', secretAccessKey: process.env.S3PROXY_SECRET_KEY ?? 'eddy-secret' },
  };
}

/** The same, as the AWS environment variables a child process (or the CLI) reads. */
export function s3Environment(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: s3Endpoint(), AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.S3PROXY_ACCESS_KEY ?? 'eddy', AWS_SECRET_ACCESS_KEY: process.env.S3PROXY_SECRET_KEY ?? 'eddy-secret',
  };
}

/** A client of the test object store, for what the tests look at or break directly. */
export function s3Client(): S3Client {
  return new S3Client(resolveObjectStoreOptions(s3Options()));
}

/** Creates a bucket no other test (or earlier run) uses; returns its name. */
export async function createBucket(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(6).toString('hex')}`;
  await s3Client().send('PUT', name, '');
  return name;
}

/** Keys under `prefix/` in `bucket`, relative to it. */
export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const text = (await s3Client().send('GET', bucket, '', { query: { 'list-type': '2', prefix: `${prefix}/` } })).body.toString('utf8');
  return [...text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1].slice(prefix.length + 1)).sort();
}
