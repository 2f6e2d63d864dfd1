import { createRequire } from 'node:module';

/**
 * The one file that touches `@confluentinc/kafka-javascript` (librdkafka). It is an optional peer
 * dependency with a native build, so it is loaded lazily, on the first Kafka connection: Eddy
 * without Kafka loads (and installs) without it. Everything else in Eddy talks to the narrow handles below.
 */

/** A message as the consumer returns it. */
export interface KafkaMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key?: Buffer | string | null;
  readonly value: Buffer | null;
  readonly timestamp?: number;
  readonly headers?: readonly Record<string, string | Buffer>[];
}

/** A topic partition with an offset (and, for commits, a metadata string). */
export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string | null;
}

/** librdkafka configuration properties (`bootstrap.servers`, `group.id`, ...). */
export type KafkaProperties = Record<string, string | number | boolean>;

interface RdConsumer {
  connect(opts: unknown, cb: (err: Error | null) => void): void;
  disconnect(cb: (err: Error | null) => void): void;
  assign(list: { topic: string; partition: number; offset: number }[]): void;
  consume(n: number, cb: (err: Error | null, messages: KafkaMessage[]) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(on: boolean): void;
  on(event: 'partition.eof', fn: (e: TopicPartitionOffset) => void): void;
  getWatermarkOffsets(topic: string, partition: number): { highOffset: number; lowOffset: number };
  getMetadata(opts: { topic?: string; timeout: number }, cb: (err: Error | null, md: { topics: { name: string; partitions: { id: number }[] }[] }) => void): void;
  committed(list: { topic: string; partition: number }[], timeout: number, cb: (err: Error | null, tps: TopicPartitionOffset[]) => void): void;
  commitSync(list: TopicPartitionOffset[]): void;
  commit(list: TopicPartitionOffset[]): void;
  offsetsForTimes(list: TopicPartitionOffset[], timeout: number, cb: (err: Error | null, tps: TopicPartitionOffset[]) => void): void;
  queryWatermarkOffsets(topic: string, partition: number, timeout: number, cb: (err: Error | null, o: { highOffset: number; lowOffset: number }) => void): void;
}

interface RdProducer {
  connect(opts: unknown, cb: (err: Error | null) => void): void;
  disconnect(cb: (err: Error | null) => void): void;
  produce(topic: string, partition: number | null, value: Buffer | null, key?: Buffer | string | null, timestamp?: number | null, opaque?: unknown, headers?: Record<string, string | Buffer>[]): void;
  flush(timeout: number, cb: (err: Error | null) => void): void;
  poll(): void;
  setPollInterval(ms: number): void;
  initTransactions(timeout: number, cb: (err: Error | null) => void): void;
  beginTransaction(cb: (err: Error | null) => void): void;
  commitTransaction(timeout: number, cb: (err: Error | null) => void): void;
  abortTransaction(timeout: number, cb: (err: Error | null) => void): void;
  sendOffsetsToTransaction(offsets: TopicPartitionOffset[], consumer: RdConsumer, timeout: number, cb: (err: Error | null) => void): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

interface RdAdmin {
  createTopic(t: { topic: string; num_partitions: number; replication_factor: number }, timeout: number, cb: (err: Error | null) => void): void;
  deleteTopic(t: string, timeout: number, cb: (err: Error | null) => void): void;
  disconnect(): void;
}

interface RdKafkaModule {
  KafkaConsumer: new (conf: KafkaProperties, topicConf: KafkaProperties) => RdConsumer;
  Producer: new (conf: KafkaProperties, topicConf?: KafkaProperties) => RdProducer;
  AdminClient: { create(conf: KafkaProperties): RdAdmin };
}

const PACKAGE = '@confluentinc/kafka-javascript';
let loaded: RdKafkaModule | null = null;

/**
 * Loads the Kafka client library, or says how to install it.
 *
 * @example
 * const rd = loadKafka(); // throws with install instructions when the optional build is absent
 */
export function loadKafka(): RdKafkaModule {
  if (loaded !== null) return loaded;
  try {
    loaded = createRequire(import.meta.url)(PACKAGE) as RdKafkaModule;
  } catch (e) {
    throw new Error(kafkaClientProblem(e as Error), { cause: e });
  }
  return loaded;
}

/**
 * Why the Kafka client did not load, and what to do: install it (it is an optional peer
 * dependency, and a native addon whose build needs more than npm where no prebuilt binary fits),
 * or rebuild it for this Node.
 */
function kafkaClientProblem(e: Error): string {
  const first = e.message.split('\n')[0];
  const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && first.includes(`'${PACKAGE}'`);
  if (!missing) {
    return `Kafka connector: ${PACKAGE} is installed but does not load (${first}). Its native addon is built per platform and ` +
      `Node version: after changing either, run npm rebuild ${PACKAGE} (the build needs what "npm install ${PACKAGE}" needs, see eddy's README).`;
  }
  return [
    `Kafka connector: the Kafka client ${PACKAGE} is not installed. It is an optional peer dependency of eddy (librdkafka, a native`,
    `addon), so that jobs without Kafka do not build or download it. Install it in your project:`,
    `  npm install ${PACKAGE}@^1.10.0`,
    `On Linux x64 and arm64 (glibc or musl), macOS arm64 and Windows x64 this downloads a prebuilt binary from GitHub.`,
    `Where GitHub is not reachable or no prebuilt binary fits, it compiles librdkafka from source: that needs python3, make`,
    `and a C++20 compiler, and, with CKJS_LINKING=dynamic set during the install, the development files of OpenSSL, zlib,`,
    `zstd, lz4 and Cyrus SASL: Debian/Ubuntu libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev; Fedora/RHEL`,
    `openssl-devel zlib-devel libzstd-devel lz4-devel cyrus-sasl-devel; Alpine bash build-base python3 openssl-dev zlib-dev`,
    `zstd-dev lz4-dev cyrus-sasl-dev; elsewhere their equivalents. To link a librdkafka you installed yourself instead,`,
    `set CKJS_LINKING=dynamic BUILD_LIBRDKAFKA=0.`,
  ].join('\n');
}

function done<T>(what: string, resolve: (v: T) => void, reject: (e: Error) => void): (err: Error | null, v?: T) => void {
  return (err, v) => (err ? reject(new Error(`Kafka ${what}: ${err.message}`, { cause: err })) : resolve(v as T));
}

/**
 * A consumer with a manually assigned set of partitions (Eddy keeps offsets in its checkpoints;
 * the group only receives them as a monitoring aid), with promise-returning calls.
 *
 * @example
 * const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers, 'group.id': 'g' });
 * c.assign([{ topic: 'in', partition: 0, offset: 0 }]);
 * const batch = await c.consume(1000);
 */
export class KafkaConsumerHandle {
  /** End-of-partition events seen during the last `consume` (next offset = the end). */
  readonly eofs: TopicPartitionOffset[] = [];

  private constructor(private readonly c: RdConsumer) {
    c.on('partition.eof', (e) => void this.eofs.push(e));
  }

  static async connect(props: KafkaProperties, pollTimeoutMs = 50): Promise<KafkaConsumerHandle> {
    const rd = loadKafka();
    const c = new rd.KafkaConsumer({ 'enable.auto.commit': false, 'enable.auto.offset.store': false, 'enable.partition.eof': true, ...props }, {});
    await new Promise<void>((res, rej) => c.connect({ timeout: 10_000 }, done('consumer connect', res, rej)));
    c.setDefaultConsumeTimeout(pollTimeoutMs);
    // Return as soon as something has arrived: latency over batch size.
    c.setDefaultIsTimeoutOnlyForFirstMessage(true);
    return new KafkaConsumerHandle(c);
  }

  /** Partition ids of each topic (sorted), from broker metadata. */
  async partitions(topic: string): Promise<number[]> {
    const md = await new Promise<{ topics: { name: string; partitions: { id: number }[] }[] }>((res, rej) =>
      this.c.getMetadata({ topic, timeout: 10_000 }, done('metadata', res, rej)));
    const t = md.topics.find((x) => x.name === topic);
    return (t?.partitions ?? []).map((p) => p.id).sort((a, b) => a - b);
  }

  /** Every topic name in the cluster. */
  async topicNames(): Promise<string[]> {
    const md = await new Promise<{ topics: { name: string }[] }>((res, rej) => this.c.getMetadata({ timeout: 10_000 }, done('metadata', res, rej)));
    return md.topics.map((t) => t.name);
  }

  assign(list: { topic: string; partition: number; offset: number }[]): void {
    this.c.assign(list);
  }

  /** Up to `max` messages; end-of-partition events of the call land in `eofs` (cleared first). */
  consume(max: number): Promise<KafkaMessage[]> {
    this.eofs.length = 0;
    return new Promise((res, rej) => this.c.consume(max, done('consume', res, rej)));
  }

  /** The high watermark librdkafka last saw in a fetch response (no request); -1001 if none yet. */
  cachedHighWatermark(topic: string, partition: number): number {
    try {
      return this.c.getWatermarkOffsets(topic, partition).highOffset;
    } catch {
      return -1;
    }
  }

  queryWatermarks(topic: string, partition: number): Promise<{ highOffset: number; lowOffset: number }> {
    return new Promise((res, rej) => this.c.queryWatermarkOffsets(topic, partition, 10_000, done('watermarks', res, rej)));
  }

  committed(list: { topic: string; partition: number }[]): Promise<TopicPartitionOffset[]> {
    return new Promise((res, rej) => this.c.committed(list, 10_000, done('committed offsets', res, rej)));
  }

  /** Asynchronous group commit (monitoring aid; failures show up on the next call). */
  commit(list: TopicPartitionOffset[]): void {
    if (list.length > 0) this.c.commit(list);
  }

  offsetsForTimes(list: TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    return new Promise((res, rej) => this.c.offsetsForTimes(list, 10_000, done('offsets for times', res, rej)));
  }

  /** For sending offsets inside a producer transaction. */
  get raw(): unknown {
    return this.c;
  }

  close(): Promise<void> {
    return new Promise((res) => this.c.disconnect(() => res()));
  }
}

/**
 * A producer (idempotent or transactional) with promise-returning flush and transaction calls.
 * `produce` is synchronous: it only hands the message to librdkafka's queue.
 *
 * @example
 * const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers, 'enable.idempotence': true });
 * p.produce('out', null, Buffer.from('x'), null, null, undefined);
 * await p.flush();
 */
export class KafkaProducerHandle {
  /** The first delivery error reported asynchronously, thrown from the next flush. */
  private deliveryError: Error | null = null;

  private constructor(private readonly p: RdProducer) {}

  static async connect(props: KafkaProperties): Promise<KafkaProducerHandle> {
    const rd = loadKafka();
    const p = new rd.Producer({ 'dr_cb': true, 'linger.ms': 5, 'queue.buffering.max.messages': 1_000_000, ...props });
    const handle = new KafkaProducerHandle(p);
    p.on('delivery-report', (err) => {
      if (err && handle.deliveryError === null) handle.deliveryError = new Error(`Kafka delivery failed: ${(err as Error).message}`);
    });
    await new Promise<void>((res, rej) => p.connect({ timeout: 10_000 }, done('producer connect', res, rej)));
    p.setPollInterval(20);
    return handle;
  }

  produce(topic: string, partition: number | null, value: Buffer | null, key: Buffer | string | null, timestamp: number | null, headers: Record<string, string | Buffer>[] | undefined): void {
    this.p.produce(topic, partition, value, key, timestamp, undefined, headers);
  }

  async flush(timeoutMs = 30_000): Promise<void> {
    await new Promise<void>((res, rej) => this.p.flush(timeoutMs, done('flush', res, rej)));
    this.p.poll();
    if (this.deliveryError !== null) throw this.deliveryError;
  }

  initTransactions(timeoutMs = 30_000): Promise<void> {
    return new Promise((res, rej) => this.p.initTransactions(timeoutMs, done('init transactions', res, rej)));
  }

  beginTransaction(): Promise<void> {
    return new Promise((res, rej) => this.p.beginTransaction(done('begin transaction', res, rej)));
  }

  commitTransaction(timeoutMs = 30_000): Promise<void> {
    return new Promise((res, rej) => this.p.commitTransaction(timeoutMs, done('commit transaction', res, rej)));
  }

  abortTransaction(timeoutMs = 30_000): Promise<void> {
    return new Promise((res, rej) => this.p.abortTransaction(timeoutMs, done('abort transaction', res, rej)));
  }

  sendOffsets(offsets: TopicPartitionOffset[], consumer: KafkaConsumerHandle, timeoutMs = 30_000): Promise<void> {
    return new Promise((res, rej) => this.p.sendOffsetsToTransaction(offsets, consumer.raw as RdConsumer, timeoutMs, done('send offsets', res, rej)));
  }

  close(): Promise<void> {
    return new Promise((res) => this.p.disconnect(() => res()));
  }
}

/**
 * Topic administration for tests, examples and benchmarks.
 *
 * @example
 * const admin = kafkaAdmin('127.0.0.1:19092');
 * await admin.createTopic('in', 4);
 * admin.close();
 */
export function kafkaAdmin(brokers: string): { createTopic(name: string, partitions: number): Promise<void>; deleteTopic(name: string): Promise<void>; close(): void } {
  const a = loadKafka().AdminClient.create({ 'bootstrap.servers': brokers });
  return {
    createTopic: (name, partitions) => new Promise((res, rej) =>
      a.createTopic({ topic: name, num_partitions: partitions, replication_factor: 1 }, 10_000, (err) =>
        (err && !/already exists/i.test(err.message) ? rej(new Error(`Kafka create topic ${name}: ${err.message}`)) : res()))),
    deleteTopic: (name) => new Promise((res, rej) => a.deleteTopic(name, 10_000, done(`delete topic ${name}`, res, rej))),
    close: () => a.disconnect(),
  };
}
