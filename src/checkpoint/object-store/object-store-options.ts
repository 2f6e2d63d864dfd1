/**
 * Credentials for an object store: what AWS calls an access key, with a session token for
 * temporary credentials.
 *
 * @example
 * const c: ObjectStoreCredentials = { accessKeyId: 'AKIA...', secretAccessKey: '...' };
 */
export interface ObjectStoreCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * How to reach the S3-compatible object store of `checkpoints: { dir: 's3://bucket/prefix' }`.
 * Each option falls back to the usual AWS environment variable, then to AWS's default.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: 's3://state/clicks', objectStore: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' } } });
 */
export interface ObjectStoreOptions {
  /** Default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS S3 in the region (https). */
  readonly endpoint?: string;
  /** Default AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  readonly region?: string;
  /**
   * Static credentials, or a function asked before each request (it should cache), such as the
   * AWS SDK's `fromNodeProviderChain()` for instance profiles and web identity. Default:
   * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
   */
  readonly credentials?: ObjectStoreCredentials | (() => Promise<ObjectStoreCredentials>);
  /**
   * Buckets as the first part of the path (`endpoint/bucket/key`) instead of the host name
   * (`bucket.endpoint/key`). Default: true with an endpoint of your own (MinIO, s3proxy, ...), false for AWS.
   */
  readonly forcePathStyle?: boolean;
}

/** Options with the environment's values filled in. */
export interface ResolvedObjectStoreOptions {
  readonly endpoint: URL;
  readonly region: string;
  readonly credentials: () => Promise<ObjectStoreCredentials>;
  readonly pathStyle: boolean;
}

/** Fills in the environment's values and AWS's defaults; says what is missing or malformed. */
export function resolveObjectStoreOptions(o: ObjectStoreOptions, env: NodeJS.ProcessEnv = process.env): ResolvedObjectStoreOptions {
  const region = o.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const given = o.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  let endpoint: URL;
  try {
    endpoint = new URL(given ?? `https://s3.${region}.amazonaws.com`);
  } catch {
    throw new Error(`object store endpoint '${given}' is not a URL (checkpoints.objectStore.endpoint or AWS_ENDPOINT_URL); write it as http://host:port`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new Error(`object store endpoint '${given}' must be http:// or https://`);
  }
  const c = o.credentials;
  const credentials = typeof c === 'function' ? c : async () => {
    const found = c ?? (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : null);
    if (found === null) {
      throw new Error('no object store credentials: set checkpoints.objectStore.credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    }
    return found;
  };
  return { endpoint, region, credentials, pathStyle: o.forcePathStyle ?? given !== undefined };
}
