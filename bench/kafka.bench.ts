// Kafka -> Eddy -> Kafka: events/s (a backlog of N records) and p99 end-to-end latency (records
// written at a steady rate, latency = read back by a read_committed consumer - written), with
// at-least-once and exactly-once sinks in one run. Needs KAFKA_BROKERS (scripts/kafka/up.sh).
// npm run bench:kafka   -> bench/results/kafka-<date>.json
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, sources } from '../src/index.ts';
import { KafkaConsumerHandle, KafkaProducerHandle, kafkaAdmin } from '../src/connectors/kafka/kafka-client.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: eval "export $(scripts/kafka/up.sh)"');
const N = Number(process.env.N ?? 200_000);
const RATE = Number(process.env.RATE ?? 2000);
const name = (p: string) => `bench-${p}-${Date.now().toString(36)}`;
interface Ev { id: number; sent: number; pad: string }

async function topic(n: string, parts: number) {
  const a = kafkaAdmin(brokers!);
  await a.createTopic(n, parts);
  a.close();
}

function job(input: string, output: string, guarantee: 'exactly-once' | 'at-least-once', stopAtEnd: boolean) {
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(mkdtempSync(join(tmpdir(), 'eddy-kbench-')), 'ckpt'), intervalMs: 1000, guarantee } });
  env.fromSource(sources.kafka<Ev>({ brokers: brokers!, topics: [input], groupId: name('g'), stopAtEnd }), WatermarkStrategy.noWatermarks<Ev>(), 'in')
    .map((e) => ({ ...e, seen: 1 }))
    .sinkTo(sinks.kafka({ brokers: brokers!, topic: output, key: (e) => String(e.id % 64), guarantee, transactionalIdPrefix: output }));
  return env;
}

async function throughput(guarantee: 'exactly-once' | 'at-least-once') {
  const input = name('in'); const output = name('out');
  await topic(input, 4); await topic(output, 4);
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers!, 'linger.ms': 20 });
  const pad = 'x'.repeat(60);
  for (let i = 0; i < N; i++) {
    p.produce(input, i % 4, Buffer.from(JSON.stringify({ id: i, sent: 0, pad })), null, null, undefined);
    if (i % 50_000 === 49_999) await p.flush();
  }
  await p.flush(); await p.close();
  const t0 = performance.now();
  await job(input, output, guarantee, true).execute('bench');
  const s = (performance.now() - t0) / 1000;
  return { records: N, seconds: +s.toFixed(2), eventsPerSecond: Math.round(N / s) };
}

async function latency(guarantee: 'exactly-once' | 'at-least-once', seconds = 8) {
  const input = name('lin'); const output = name('lout');
  await topic(input, 4); await topic(output, 4);
  const h = job(input, output, guarantee, false).executeAsync('bench-latency');
  const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers!, 'group.id': name('r'), 'isolation.level': 'read_committed' }, 20);
  c.assign([0, 1, 2, 3].map((partition) => ({ topic: output, partition, offset: 0 })));
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers!, 'linger.ms': 0 });
  const lat: number[] = [];
  let stop = false;
  let warm = 0;
  const reader = (async () => {
    while (!stop) {
      for (const m of await c.consume(10_000)) {
        const e = JSON.parse(m.value!.toString()) as Ev;
        if (e.id < 0) warm++;
        else lat.push(Date.now() - e.sent);
      }
    }
  })();
  // Warm-up: measure only once the job is running end to end (a warm-up record came back).
  for (let w = -1; warm === 0; w--) {
    p.produce(input, 0, Buffer.from(JSON.stringify({ id: w, sent: Date.now(), pad: '' })), null, null, undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
  const start = Date.now();
  let id = 0;
  while (Date.now() - start < seconds * 1000) {
    const due = Math.floor(((Date.now() - start) / 1000) * RATE);
    for (; id < due; id++) p.produce(input, id % 4, Buffer.from(JSON.stringify({ id, sent: Date.now(), pad: '' })), null, null, undefined);
    await new Promise((r) => setTimeout(r, 5));
  }
  await p.flush();
  await new Promise((r) => setTimeout(r, 2500));
  stop = true; await reader; h.cancel(); await h.result; await p.close(); await c.close();
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))];
  return { sent: id, received: lat.length, ratePerSecond: RATE, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: lat[lat.length - 1] };
}

const results = {
  date: new Date().toISOString(), machine: '2 shared cores, broker on the same machine', loadAverage1m: loadavg()[0], N, checkpointIntervalMs: 1000,
  atLeastOnce: { throughput: await throughput('at-least-once'), latency: await latency('at-least-once') },
  exactlyOnce: { throughput: await throughput('exactly-once'), latency: await latency('exactly-once') },
};
console.log(JSON.stringify(results, null, 2));
writeFileSync(join('bench/results', `kafka-${results.date.slice(0, 10)}.json`), JSON.stringify(results, null, 2) + '\n');
