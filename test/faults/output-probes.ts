import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { KafkaConsumerHandle } from '../../src/connectors/kafka/kafka-client.ts';
import type { SinkJobRecord } from './sink-job-oracle.ts';
import { sleep } from './server-process.ts';

/**
 * Committed output as it appears, with the wall-clock time each record was first seen: the time
 * to recover after a fault is read from it.
 */
export interface OutputProbe {
  /** Records seen so far. */
  readonly count: number;
  /** The time the first record after the first `n` was seen, or null if none yet. */
  seenAfter(n: number): number | null;
  /** Every record seen, in arrival order. */
  records(): SinkJobRecord[];
  stop(): Promise<void>;
}

/**
 * Reads a topic with read_committed from the beginning, all the time, in the background (the
 * consumer reconnects by itself after a broker outage).
 *
 * @example
 * const out = await tailTopic(kafka.brokers, topic); ...; await out.stop();
 */
export async function tailTopic(brokers: string, topic: string): Promise<OutputProbe> {
  const c = await KafkaConsumerHandle.connect({ 'bootstrap.servers': brokers, 'group.id': `${topic}-probe`, 'isolation.level': 'read_committed' }, 200);
  const parts = await c.partitions(topic);
  c.assign(parts.map((partition) => ({ topic, partition, offset: 0 })));
  const records: SinkJobRecord[] = [];
  const times: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const batch = await c.consume(5_000);
        const now = Date.now();
        for (const m of batch) {
          records.push(JSON.parse(m.value!.toString('utf8')) as SinkJobRecord);
          times.push(now);
        }
      } catch {
        await sleep(200); // the broker is away: librdkafka reconnects
      }
    }
  })();
  return probe(records, times, async () => {
    stopped = true;
    await loop;
    await c.close();
  });
}

/**
 * Polls a table of the fault job (columns id, k, n) every `everyMs`, keeping new rows by id (an
 * exactly-once sink only ever adds rows); failed polls while the server is down are skipped.
 *
 * @example
 * const out = tailTable(pool, table); ...; await out.stop();
 */
export function tailTable(pool: pg.Pool, table: string, everyMs = 100): OutputProbe {
  const records: SinkJobRecord[] = [];
  const times: number[] = [];
  let stopped = false;
  let seenRows = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        // Rows of a committed transaction appear at once; a count is cheap, the new rows are read when it grows.
        const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        const n = Number(rows[0].n);
        if (n > seenRows) {
          const now = Date.now();
          for (let i = seenRows; i < n; i++) times.push(now);
          seenRows = n;
        }
      } catch {
        // the server is away
      }
      await sleep(everyMs);
    }
  })();
  return probe(records, times, async () => {
    stopped = true;
    await loop;
    const { rows } = await pool.query<SinkJobRecord>(`SELECT id, k, n FROM ${table} ORDER BY id`);
    records.push(...rows);
  });
}

function probe(records: SinkJobRecord[], times: number[], stop: () => Promise<void>): OutputProbe {
  let stopping: Promise<void> | null = null;
  return {
    get count() {
      return times.length;
    },
    seenAfter: (n) => times[n] ?? null,
    records: () => records,
    stop: () => (stopping ??= stop()),
  };
}

/** Bytes under a checkpoint directory, and its complete checkpoints, sampled in the background. */
export interface DirSamples {
  /** [wall-clock ms, bytes, chk-* directories with a manifest] */
  readonly samples: readonly [number, number, number][];
  /** The largest sample between `from` and `to` (wall-clock ms). */
  max(from?: number, to?: number): { bytes: number; dirs: number };
  stop(): void;
}

/**
 * Samples the size of a checkpoint directory every `everyMs` (files that vanish while being
 * counted, as retention removes them, are skipped).
 *
 * @example
 * const disk = sampleDir(ckpt); ...; disk.stop(); disk.max(outageStart, outageEnd).bytes;
 */
export function sampleDir(dir: string, everyMs = 250): DirSamples {
  const samples: [number, number, number][] = [];
  const take = () => {
    let dirs = 0;
    try {
      dirs = readdirSync(dir).filter((n) => n.startsWith('chk-') && existsSync(join(dir, n, 'MANIFEST.json'))).length;
    } catch {
      // not created yet
    }
    samples.push([Date.now(), bytesUnder(dir), dirs]);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    max(from = 0, to = Number.POSITIVE_INFINITY) {
      let bytes = 0;
      let dirs = 0;
      for (const [t, b, d] of samples) {
        if (t < from || t > to) continue;
        bytes = Math.max(bytes, b);
        dirs = Math.max(dirs, d);
      }
      return { bytes, dirs };
    },
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

function bytesUnder(path: string): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(path, e.name);
    try {
      n += e.isDirectory() ? bytesUnder(p) : e.isFile() ? statSync(p).size : 0;
    } catch {
      // removed meanwhile
    }
  }
  return n;
}
