import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sinks, sources, type KeyedProcessFunction, type ValueState } from 'eddy';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kafkaAdmin } from '../../src/connectors/kafka/kafka-client.ts';
import { slowSink } from '../soak/slow-sink.ts';

/** A run of the overload scenario. */
export interface OverloadOptions {
  readonly brokers: string;
  readonly topic: string;
  /** What the job sustains: its sink takes 1000 / sustainable ms a record. */
  readonly sustainable: number;
  /** Input rate during the overload, as a multiple of `sustainable`. */
  readonly factor: number;
  readonly overloadS: number;
  /** Input rate once the overload is over (records/s, below `sustainable`), for `afterS`. */
  readonly afterRate: number;
  readonly afterS: number;
  /** Longest wait for the job to catch up before it is stopped (the rest stays in Kafka). */
  readonly drainS: number;
  /** Called every second with the latest sample (progress). */
  readonly onSample?: (s: OverloadSample) => void;
}

/** One sample, every second. */
export interface OverloadSample {
  readonly t: number;
  readonly phase: 'warm-up' | 'overload' | 'after' | 'drain';
  /** Heap used after a full GC when `global.gc` is exposed (--expose-gc), else as it is. */
  readonly heapMb: number;
  readonly rssMb: number;
  readonly produced: number;
  readonly read: number;
  /** Records in Kafka the job has not read yet: where the backlog waits. */
  readonly backlog: number;
}

/** What the run found. */
export interface OverloadReport {
  readonly samples: readonly OverloadSample[];
  readonly produced: number;
  readonly read: number;
  /** Records per second the producer reached during the overload, and the job read meanwhile. */
  readonly inputRate: number;
  readonly jobRate: number;
  readonly heapBaselineMb: number;
  readonly heapMaxMb: number;
  readonly rssBaselineMb: number;
  readonly rssMaxMb: number;
  readonly backlogMax: number;
  /** Seconds from the end of the input to the job having read everything; null if it had not within drainS. */
  readonly drainedAfterS: number | null;
  /** Output lines (committed, after the stop with a savepoint). */
  readonly output: number;
  /** Lost, duplicated or wrong records; empty when exact (for what the job read). */
  readonly problems: readonly string[];
  readonly loadavg: readonly number[];
}

const KEYS = 60;
const PARTITIONS = 3;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCER = fileURLToPath(new URL('./overload-producer.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ev { id: number; k: string }
interface Out { id: number; k: string; n: number }

/**
 * Overload: a producer writes to Kafka at `factor` times what the job sustains (its slow sink is
 * the limit), then at a rate below it. The job (Kafka in, running count per key, exactly-once
 * JSONL out) must keep its memory bounded meanwhile, the backlog waiting in Kafka (backpressure
 * reaches the source), catch up, and, stopped with a savepoint, have committed every record it
 * read exactly once with the right count. The job runs in this process (heap and RSS figures are
 * this process's), the producer in a child process (bench/overload/overload-producer.ts).
 *
 * @example
 * const r = await runOverload({ brokers, topic, sustainable: 2_000, factor: 10, overloadS: 3, afterRate: 500, afterS: 4, drainS: 60 });
 */
export async function runOverload(o: OverloadOptions): Promise<OverloadReport> {
  const admin = kafkaAdmin(o.brokers);
  try {
    await admin.createTopic(o.topic, PARTITIONS);
  } finally {
    admin.close();
  }
  const work = mkdtempSync(join(tmpdir(), 'eddy-overload-'));
  const out = join(work, 'out');
  const env = StreamEnvironment.create({
    batchSize: 200,
    log: () => {},
    checkpoints: { dir: join(work, 'ckpt'), intervalMs: 1_000, guarantee: 'exactly-once' },
  });
  type Fn = KeyedProcessFunction<string, Ev, Out> & { count: ValueState<number> };
  const fn: Fn = {
    count: undefined as never,
    open(ctx) { this.count = ctx.getState<number>('count'); },
    processElement(e, _ctx, collect) {
      const n = (this.count.value() ?? 0) + 1;
      this.count.update(n);
      collect.collect({ id: e.id, k: e.k, n });
    },
  };
  env.fromSource(sources.kafka<Ev>({ brokers: o.brokers, topics: [o.topic], groupId: `${o.topic}-job` }), WatermarkStrategy.noWatermarks<Ev>(), 'in')
    .keyBy((e) => e.k).process(fn).uid('counts')
    .sinkTo(slowSink(sinks.jsonl<Out>(out), { perRecordMs: 1_000 / o.sustainable, perFlushMs: 0, capacity: 200 })).uid('out');
  const job = env.executeAsync('overload');
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: OverloadSample[] = [];
  let produced = 0;
  const phases: OverloadSample['phase'][] = ['warm-up', 'overload', 'after'];
  let phase: OverloadSample['phase'] = 'warm-up';
  const producer = spawn(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', PRODUCER, o.brokers, o.topic,
    `${o.sustainable / 2}:3,${o.sustainable * o.factor}:${o.overloadS},${o.afterRate}:${o.afterS}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let readAtOverload = 0;
  let producedAtOverload = 0;
  let producedInOverload = 0;
  const t0 = performance.now();
  const sample = () => {
    gc?.();
    const m = process.memoryUsage();
    const read = job.metrics().recordsIn;
    const s = { t: Math.round((performance.now() - t0) / 100) / 10, phase, heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20, produced, read, backlog: produced - read };
    samples.push(s);
    o.onSample?.(s);
  };
  const sampler = setInterval(sample, 1_000);
  const finished = new Promise<{ count: number; ms: number[] }>((resolve, reject) => {
    let partial = '';
    producer.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const [word, a, b] = l.split(' ');
        if (word === 'COUNT') produced = Number(a);
        if (word === 'PHASE') {
          produced = Number(b);
          phase = phases[Number(a)];
          if (phase === 'overload') {
            readAtOverload = job.metrics().recordsIn;
            producedAtOverload = produced;
          }
          if (phase === 'after') {
            overloadRead = job.metrics().recordsIn - readAtOverload;
            producedInOverload = produced - producedAtOverload;
          }
        }
        if (word === 'DONE') resolve({ count: Number(a), ms: b.split(',').map(Number) });
      }
    });
    producer.on('exit', (code) => reject(new Error(`the overload producer exited (code ${code}) before it was done`)));
  });
  let overloadRead = 0;
  try {
    const done = await finished;
    produced = done.count;
    const overloadMs = done.ms[1];
    phase = 'drain';
    const inputEnd = performance.now();
    let drainedAfterS: number | null = null;
    while (performance.now() - inputEnd < o.drainS * 1000) {
      if (job.metrics().recordsIn >= produced) {
        drainedAfterS = Math.round((performance.now() - inputEnd) / 100) / 10;
        break;
      }
      await sleep(200);
    }
    sample();
    clearInterval(sampler);
    await job.stopWithSavepoint(join(work, 'savepoint'));
    await job.result;
    const lines = readdirSync(out).filter((n) => !n.startsWith('.')).flatMap((n) => readFileSync(join(out, n), 'utf8').split('\n').filter((l) => l.length > 0));
    const records = lines.map((l) => JSON.parse(l) as Out);
    const read = job.metrics().recordsIn;
    const warm = samples.filter((s) => s.phase === 'warm-up');
    const base = warm.at(-1) ?? samples[0];
    const loaded = samples.filter((s) => s.phase !== 'warm-up');
    return {
      samples, produced, read,
      inputRate: Math.round(producedInOverload / (overloadMs / 1000)),
      jobRate: Math.round(overloadRead / (overloadMs / 1000)),
      heapBaselineMb: round(base.heapMb), heapMaxMb: round(Math.max(...loaded.map((s) => s.heapMb))),
      rssBaselineMb: round(base.rssMb), rssMaxMb: round(Math.max(...loaded.map((s) => s.rssMb))),
      backlogMax: Math.max(...samples.map((s) => s.backlog)),
      drainedAfterS, output: records.length, problems: exactness(records, produced), loadavg: loadavg(),
    };
  } finally {
    clearInterval(sampler);
    producer.kill('SIGKILL');
    job.cancel();
    await job.result.catch(() => {});
    rmSync(work, { recursive: true, force: true });
    const cleanup = kafkaAdmin(o.brokers);
    await cleanup.deleteTopic(o.topic).catch(() => {});
    cleanup.close();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Per key, the output must be the key's first c records, each once, numbered 1..c: what the job
 * read of each partition is a prefix, nothing of it lost or repeated.
 */
function exactness(records: readonly Out[], produced: number): string[] {
  const byKey = new Map<string, Out[]>();
  for (const r of records) {
    const xs = byKey.get(r.k) ?? [];
    xs.push(r);
    byKey.set(r.k, xs);
  }
  const problems: string[] = [];
  for (const [k, xs] of byKey) {
    xs.sort((a, b) => a.id - b.id);
    const key = Number(k.slice(1));
    xs.forEach((r, j) => {
      if (problems.length < 5 && (r.id !== key + j * KEYS || r.n !== j + 1)) problems.push(`${k}: record ${j} of the key is id ${r.id} count ${r.n}, expected id ${key + j * KEYS} count ${j + 1}`);
    });
  }
  if (records.some((r) => r.id >= produced)) problems.push('ids beyond what was produced');
  return problems;
}
