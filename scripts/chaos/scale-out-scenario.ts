import { join } from 'node:path';
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import { brokers, createTopic, readTopic, uniqueName, values } from '../../test/kafka/kafka-test-env.ts';
import { Instance, killAllInstances } from '../../test/scale-out/instance.ts';
import type { ChaosKill, ChaosScenario, ChaosTrial } from './chaos-scenario.ts';

const PARTITIONS = 6;
const KEYS = 60;
const WAVE = 250;
const WAVE_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Out { id: number; k: string; n: number }

/**
 * Two instances of the scale-out job of test/scale-out (Kafka in, running count per key, Kafka
 * out exactly-once, partitions shared through a consumer group) while input arrives in waves;
 * one of them, drawn at random, is SIGKILLed at a random moment and started again, `kills` times.
 * Its partitions move to the other after the session timeout, from their last checkpoints. At the
 * end the read_committed output must hold every id once with its key's exact running count.
 *
 * @example
 * const s = new ScaleOutScenario(1); await s.setup(dir); await s.trial(0, 2, rnd);
 */
export class ScaleOutScenario implements ChaosScenario {
  readonly name = 'scale-out · 2 instances · Kafka in and out';
  readonly killsPerTrial = 3;
  private dir = '';

  constructor(readonly weight: number) {}

  async setup(dir: string): Promise<void> {
    this.dir = dir;
    brokers();
  }

  async trial(index: number, kills: number, rnd: () => number): Promise<ChaosTrial> {
    const started = performance.now();
    const input = uniqueName('chaos-so-in');
    const output = uniqueName('chaos-so-out');
    await createTopic(input, PARTITIONS);
    await createTopic(output, 3);
    const args = [brokers(), input, output, join(this.dir, `t${index}`, 'state'), uniqueName('chaos-so-group')];
    const done: ChaosKill[] = [];
    const result = (mismatch: string | null): ChaosTrial => ({ kills: done, mismatch, ms: performance.now() - started });
    const live = [new Instance('A', args), new Instance('B', args)];
    try {
      for (const i of live) await i.waitFor(() => i.log.assigned.length > 0, 60_000, 'partition assignment');
      // Enough waves to outlast the kills: each costs a session timeout (6 s) before its partitions move.
      const waves = 8 + kills * 16;
      const producing = produce(input, waves);
      for (let k = 0; k < kills; k++) {
        await sleep(1_000 + Math.floor(rnd() * 3_000));
        const victim = Math.floor(rnd() * live.length);
        const old = live[victim];
        await old.kill();
        done.push({ phase: 'unclassified', detail: `SIGKILL instance ${old.name} (pid ${old.child.pid})` });
        live[victim] = new Instance(`${old.name}${k + 2}`, args);
      }
      const n = await producing;
      const got = values<Out>(await readTopic(output, { expected: n, timeoutMs: 120_000, settleMs: 1_500 }));
      return result(check(got, n));
    } catch (e) {
      return result((e as Error).message.slice(0, 500));
    } finally {
      for (const i of live) await i.leave(30_000).catch(() => i.kill());
    }
  }

  async teardown(): Promise<void> {
    killAllInstances();
  }
}

/** Every id 0..n-1 once, each with the running count of its key (ids of a key arrive in order). */
function check(out: readonly Out[], n: number): string | null {
  const seen = new Uint8Array(n);
  let dup = 0;
  let wrong = 0;
  for (const o of out) {
    if (o.id < 0 || o.id >= n) wrong++;
    else if (seen[o.id]++ > 0) dup++;
    else if (o.k !== `k${o.id % KEYS}` || o.n !== Math.floor(o.id / KEYS) + 1) wrong++;
  }
  const lost = seen.reduce((s, c) => s + (c === 0 ? 1 : 0), 0);
  return dup + wrong + lost === 0 ? null : `${lost} lost, ${dup} duplicated, ${wrong} wrong of ${n} records`;
}

/** Writes WAVE records every WAVE_MS (record i: key k<i % KEYS> in partition (i % KEYS) % PARTITIONS); resolves with the count. */
async function produce(topic: string, waves: number): Promise<number> {
  const p = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers(), 'enable.idempotence': true, 'linger.ms': 5 });
  try {
    for (let w = 0; w < waves; w++) {
      for (let i = w * WAVE; i < (w + 1) * WAVE; i++) {
        const key = i % KEYS;
        p.produce(topic, key % PARTITIONS, Buffer.from(JSON.stringify({ id: i, k: `k${key}` })), `k${key}`, null, undefined);
      }
      await p.flush();
      await sleep(WAVE_MS);
    }
  } finally {
    await p.close();
  }
  return waves * WAVE;
}
