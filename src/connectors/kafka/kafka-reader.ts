import type { ReadStatus, SourceBatch, SourceReader, SourceReaderContext } from '../source.ts';
import { KafkaConsumerHandle, type KafkaMessage } from './kafka-client.ts';
import type { KafkaRecord, KafkaSourceOptions } from './kafka-source-options.ts';
import { deserializerFn } from './serde.ts';

/** Offsets Eddy checkpoints: the next offset to read, by `topic:partition`. */
export type KafkaPosition = Record<string, number>;

/**
 * Consumer lag of one partition (for metrics): `lag = end - position`.
 *
 * @example
 * reader.splitMetrics(); // [{ split: 'in/0', position: 120, end: 130, lag: 10, caughtUp: false }]
 */
export interface KafkaSplitMetrics {
  readonly split: string;
  readonly position: number;
  readonly end: number;
  readonly lag: number;
  readonly caughtUp: boolean;
}

const UNKNOWN = -1;

/**
 * Reads assigned partitions with one librdkafka consumer. Splits are the partitions, numbered in
 * (topic, partition) order when the reader opens. A `read` hands out consecutive messages of one
 * partition from the last fetch, synchronously; only an empty buffer waits for Kafka.
 */
export class KafkaReader<T, K, V> implements SourceReader<T> {
  private consumer: KafkaConsumerHandle | null = null;
  private topics: string[] = [];
  private partitions: number[] = [];
  private readonly splitIndex = new Map<string, number>();
  /** Next offset to read per split (UNKNOWN until resolved). */
  private next: number[] = [];
  /** End offset at open (stopAtEnd) and the latest end seen. */
  private stopAt: number[] = [];
  private end: number[] = [];
  private caughtUpSince: number[] = [];
  private reportedIdle: boolean[] = [];
  private announced = 0;
  private seekTo: KafkaPosition | null = null;
  private assigned = false;
  private buffer: KafkaMessage[] = [];
  private bufPos = 0;
  /** Offset of each record of the last batch, and that batch's split (for positionOf). */
  private readonly slotOffsets: number[] = [];
  private batchSplit = 0;
  private readonly parseValue: (b: Buffer | null) => V;
  private readonly parseKey: (b: Buffer | null) => K;
  private readonly caughtUpIdleMs: number;

  constructor(private readonly options: KafkaSourceOptions<T, K, V>, private readonly ctx: SourceReaderContext) {
    this.parseValue = deserializerFn<V>(options.value ?? 'json');
    this.parseKey = deserializerFn<K>(options.key ?? ('string' as never));
    this.caughtUpIdleMs = options.caughtUpIdleMs ?? 200;
  }

  async open(): Promise<void> {
    const o = this.options;
    this.consumer = await KafkaConsumerHandle.connect({
      'bootstrap.servers': o.brokers, 'group.id': o.groupId, 'isolation.level': o.isolation ?? 'read_committed',
      'client.id': `eddy-${this.ctx.operatorName}`, ...o.properties,
    });
    const names = o.topics !== undefined ? [...o.topics] : (await this.consumer.topicNames()).filter((t) => o.topicPattern!.test(t) && !t.startsWith('__')).sort();
    if (names.length === 0) throw new Error(`${this.ctx.operatorName}: no Kafka topic matches ${String(o.topicPattern)} at ${o.brokers}`);
    for (const topic of names) {
      const ps = await this.consumer.partitions(topic);
      if (ps.length === 0) throw new Error(`${this.ctx.operatorName}: Kafka topic '${topic}' does not exist at ${o.brokers} (or has no partitions)`);
      const missing = o.partitions?.filter((p) => !ps.includes(p)) ?? [];
      if (missing.length > 0) throw new Error(`${this.ctx.operatorName}: Kafka topic '${topic}' has no partition ${missing.join(', ')} (it has ${ps.length})`);
      for (const p of ps) {
        if (o.partitions !== undefined && !o.partitions.includes(p)) continue;
        this.splitIndex.set(`${topic}:${p}`, this.topics.length);
        this.topics.push(topic);
        this.partitions.push(p);
      }
    }
    const n = this.topics.length;
    this.next = new Array<number>(n).fill(UNKNOWN);
    this.stopAt = new Array<number>(n).fill(UNKNOWN);
    this.end = new Array<number>(n).fill(UNKNOWN);
    this.caughtUpSince = new Array<number>(n).fill(Number.NaN);
    this.reportedIdle = new Array<boolean>(n).fill(false);
  }

  splitCount(): number {
    return this.topics.length;
  }

  splitName(split: number): string {
    return `${this.topics[split]}/${this.partitions[split]}`;
  }

  isSplitFinished(split: number): boolean {
    return this.options.stopAtEnd === true && this.assigned && this.next[split] >= this.stopAt[split];
  }

  /** Caught up with its end for `caughtUpIdleMs`: idle for watermarks until its next record. */
  isSplitCaughtUp(split: number): boolean {
    return this.reportedIdle[split] === true;
  }

  position(): KafkaPosition {
    const pos: KafkaPosition = {};
    for (let s = 0; s < this.topics.length; s++) {
      const off = this.next[s] !== UNKNOWN ? this.next[s] : this.seekTo?.[`${this.topics[s]}:${this.partitions[s]}`];
      if (off !== undefined && off !== UNKNOWN) pos[`${this.topics[s]}:${this.partitions[s]}`] = off;
    }
    return pos;
  }

  seek(position: unknown): void {
    if (this.assigned) throw new Error(`${this.ctx.operatorName}: seek after reading started`);
    this.seekTo = (position ?? {}) as KafkaPosition;
  }

  /** Commits the checkpoint's offsets to the consumer group (a monitoring aid; Eddy restores from its own). */
  notifyCheckpointComplete(_checkpointId: number, position: unknown): void {
    const list = Object.entries((position ?? {}) as KafkaPosition).map(([tp, offset]) => {
      const i = tp.lastIndexOf(':');
      return { topic: tp.slice(0, i), partition: Number(tp.slice(i + 1)), offset };
    });
    this.consumer?.commit(list);
  }

  /** Records between the position and the partition's end, as last seen by a fetch (no I/O). */
  splitLag(split: number): number | null {
    if (this.next[split] === UNKNOWN || this.next[split] === undefined) return null;
    const end = Math.max(this.end[split], this.consumer?.cachedHighWatermark(this.topics[split], this.partitions[split]) ?? UNKNOWN);
    return end < 0 ? null : Math.max(0, end - this.next[split]);
  }

  /** Position, end and lag of every partition. */
  splitMetrics(): KafkaSplitMetrics[] {
    return this.topics.map((_, s) => {
      const end = Math.max(this.end[s], this.consumer?.cachedHighWatermark(this.topics[s], this.partitions[s]) ?? UNKNOWN);
      return { split: this.splitName(s), position: this.next[s], end, lag: Math.max(0, end - this.next[s]), caughtUp: this.reportedIdle[s] };
    });
  }

  read(batch: SourceBatch<T>): ReadStatus | Promise<ReadStatus> {
    if (!this.assigned) return this.assign().then(() => this.read(batch));
    // Announce every split once, so that a partition with no data yet holds back event time
    // until it is known to be caught up, instead of being unknown to the watermark.
    if (this.announced < this.topics.length) return this.emptyBatch(batch, this.announced++);
    if (this.bufPos < this.buffer.length) return this.fill(batch);
    const idle = this.idleChange(batch);
    if (idle !== null) return idle;
    if (this.options.stopAtEnd === true && this.allFinished()) return this.end_(batch);
    return this.fetch(batch);
  }

  private async fetch(batch: SourceBatch<T>): Promise<ReadStatus> {
    const c = this.consumer!;
    this.buffer = await c.consume(this.ctx.batchSize);
    this.bufPos = 0;
    const now = this.ctx.clock.now();
    let prev: KafkaMessage | null = null;
    for (const m of this.buffer) {
      if (prev !== null && prev.partition === m.partition && prev.topic === m.topic) continue;
      this.caughtUpSince[this.splitOf(m)] = Number.NaN;
      prev = m;
    }
    for (const e of c.eofs) {
      const s = this.splitIndex.get(`${e.topic}:${e.partition}`);
      if (s === undefined) continue;
      if (e.offset > this.end[s]) this.end[s] = e.offset;
      // Messages of this fetch that follow the end-of-partition event are newer than it.
      const lastInFetch = this.lastOffsetInBuffer(s);
      if (lastInFetch < e.offset) {
        if (Number.isNaN(this.caughtUpSince[s])) this.caughtUpSince[s] = now;
        if (this.bufPosOf(s) === -1 && e.offset > this.next[s]) this.next[s] = e.offset; // skip control records
      }
    }
    if (this.buffer.length > 0) return this.fill(batch);
    const idle = this.idleChange(batch);
    if (idle !== null) return idle;
    if (this.options.stopAtEnd === true && this.allFinished()) return this.end_(batch);
    return 'idle';
  }

  /** Reports (as an empty batch) a split that has become idle by being caught up. */
  private idleChange(batch: SourceBatch<T>): ReadStatus | null {
    const now = this.ctx.clock.now();
    for (let s = 0; s < this.topics.length; s++) {
      if (!this.reportedIdle[s] && now - this.caughtUpSince[s] >= this.caughtUpIdleMs) {
        this.reportedIdle[s] = true;
        return this.emptyBatch(batch, s);
      }
    }
    return null;
  }

  /** The runtime delivers the batch that comes with 'end' too: it must be empty. */
  private end_(batch: SourceBatch<T>): ReadStatus {
    batch.length = 0;
    return 'end';
  }

  private emptyBatch(batch: SourceBatch<T>, split: number): ReadStatus {
    batch.split = split;
    batch.length = 0;
    return 'data';
  }

  private fill(batch: SourceBatch<T>): ReadStatus {
    const buf = this.buffer;
    const first = buf[this.bufPos];
    const split = this.splitOf(first);
    const topic = first.topic;
    const partition = first.partition;
    const values = batch.values;
    const times = batch.times;
    const max = this.ctx.batchSize;
    const record = this.options.record;
    let n = 0;
    let i = this.bufPos;
    for (; i < buf.length && n < max; i++) {
      const m = buf[i];
      if (m.partition !== partition || m.topic !== topic) break;
      if (this.options.stopAtEnd === true && m.offset >= this.stopAt[split]) continue;
      this.next[split] = m.offset + 1;
      let value: T;
      try {
        const v = this.parseValue(m.value);
        if (record === undefined) {
          value = v as unknown as T;
        } else {
          const key = this.parseKey(m.key === undefined || m.key === null ? null : typeof m.key === 'string' ? Buffer.from(m.key) : m.key);
          const r: KafkaRecord<K, V> = { topic, partition, offset: m.offset, timestamp: m.timestamp ?? Number.NaN, key, value: v, headers: m.headers };
          value = record(r);
        }
      } catch (e) {
        batch.deadLetters.push({
          operator: this.ctx.operatorName, position: `${topic}/${partition}@${m.offset}`,
          reason: (e as Error).message, raw: m.value === null ? 'null' : m.value.toString('utf8', 0, 1000),
        });
        continue;
      }
      values[n] = value;
      times[n] = m.timestamp ?? Number.NaN;
      this.slotOffsets[n] = m.offset;
      n++;
    }
    this.bufPos = i;
    this.reportedIdle[split] = false;
    batch.split = split;
    batch.length = n;
    this.batchSplit = split;
    return 'data';
  }

  positionOf(index: number): string {
    return `${this.splitName(this.batchSplit)}@${this.slotOffsets[index]}`;
  }

  private async assign(): Promise<void> {
    const c = this.consumer!;
    const o = this.options;
    const start = o.startFrom ?? 'earliest';
    const list: { topic: string; partition: number; offset: number }[] = [];
    const committed = start === 'committed' ? await c.committed(this.topics.map((topic, s) => ({ topic, partition: this.partitions[s] }))) : [];
    const byTime = typeof start === 'object'
      ? await c.offsetsForTimes(this.topics.map((topic, s) => ({ topic, partition: this.partitions[s], offset: start.timestamp })))
      : [];
    for (let s = 0; s < this.topics.length; s++) {
      const topic = this.topics[s];
      const partition = this.partitions[s];
      const w = await c.queryWatermarks(topic, partition);
      this.stopAt[s] = w.highOffset;
      this.end[s] = w.highOffset;
      let offset = this.seekTo?.[`${topic}:${partition}`];
      if (offset === undefined) {
        if (start === 'earliest') offset = w.lowOffset;
        else if (start === 'latest') offset = w.highOffset;
        else if (start === 'committed') offset = committed.find((x) => x.topic === topic && x.partition === partition)?.offset ?? -1;
        else offset = byTime.find((x) => x.topic === topic && x.partition === partition)?.offset ?? -1;
        if (offset < 0) offset = start === 'committed' ? w.lowOffset : w.highOffset;
      }
      this.next[s] = offset;
      // An empty partition is caught up from the start.
      if (offset >= w.highOffset) this.caughtUpSince[s] = this.ctx.clock.now();
      list.push({ topic, partition, offset });
    }
    c.assign(list);
    this.assigned = true;
  }

  private allFinished(): boolean {
    for (let s = 0; s < this.topics.length; s++) if (this.next[s] < this.stopAt[s]) return false;
    return true;
  }

  private splitOf(m: KafkaMessage): number {
    const s = this.splitIndex.get(`${m.topic}:${m.partition}`);
    if (s === undefined) throw new Error(`${this.ctx.operatorName}: message from unassigned partition ${m.topic}/${m.partition}`);
    return s;
  }

  private lastOffsetInBuffer(split: number): number {
    let last = -1;
    for (const m of this.buffer) if (this.splitIndex.get(`${m.topic}:${m.partition}`) === split) last = m.offset;
    return last;
  }

  private bufPosOf(split: number): number {
    for (let i = this.bufPos; i < this.buffer.length; i++) if (this.splitIndex.get(`${this.buffer[i].topic}:${this.buffer[i].partition}`) === split) return i;
    return -1;
  }

  async close(): Promise<void> {
    await this.consumer?.close();
    this.consumer = null;
  }
}
