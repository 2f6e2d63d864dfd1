// Input waves for the scale-out count job (fixtures/count-job.ts) and a read_committed reader of
// its output, shared by the rebalance tests.
import { KafkaConsumerHandle, KafkaProducerHandle, type KafkaMessage } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, uniqueName } from '../kafka/kafka-test-env.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A line of the count job's output. */
export interface Out { id: number; k: string; n: number; pid: number }

export const PARTITIONS = 6;
export const KEYS = 60;
const PER_WAVE = 500;



/** Record i: key k<i % KEYS>, in partition (key index % PARTITIONS): each key lives in one partition. */
export function record(i: number): [number, string, { id: number; k: string }] {
  const key = i % KEYS;
  return [key % PARTITIONS, `k${key}`, { id: i, k: `k${key}` }];
}

/** Produces waves of PER_WAVE records, one every `everyMs`, until `stop()` says so; resolves with the record count. */
export function produceWaves(topic: string, everyMs: number): { stop: () => void; done: Promise<number> } {
  let stopped = false;
  return { stop: () => void (stopped = true), done: waves(topic, everyMs, () => stopped) };
}

async function waves(topic: string, everyMs: number, stopped: () => boolean): Promise<number> {
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 5 });
  let w = 0;
  try {
    for (; !stopped() && w < 200; w++) {
      for (let i = w * PER_WAVE; i < (w + 1) * PER_WAVE; i++) {
        const [partition, key, value] = record(i);
        p.produce(topic, partition, Buffer.from(JSON.stringify(value)), key, null, undefined);
      }
      await p.flush();
      await sleep(everyMs);
    }
  } finally {
    await p.close();
  }
  return w * PER_WAVE;
}

/** Reads the output with read_committed from the start, for as long as the test runs. */
export class OutputReader {
  readonly out: Out[] = [];
  private running = true;
  private loop: Promise<void> | null = null;
  constructor(private readonly topic: string) {}
  async start(): Promise<void> {
    const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers(), 'group.id': uniqueName('so-reader'), 'isolation.level': 'read_committed' }, 100);
    let parts = await c.partitions(this.topic);
    for (let i = 0; i < 100 && parts.length === 0; i++) {
      await sleep(100); // a new topic's metadata can lag its creation
      parts = await c.partitions(this.topic);
    }
    if (parts.length === 0) throw new Error(`output topic ${this.topic} has no partitions`);
    c.assign(parts.map((partition) => ({ topic: this.topic, partition, offset: 0 })));
    this.loop = (async () => {
      try {
        while (this.running) for (const m of await c.consume(10_000) as KafkaMessage[]) this.out.push(JSON.parse(m.value!.toString('utf8')) as Out);
      } finally {
        await c.close();
      }
    })();
  }
  async until(n: number, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (this.out.length < n && Date.now() < end) await sleep(100);
  }
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
