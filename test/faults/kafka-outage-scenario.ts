import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaAdmin } from '../../src/connectors/kafka/kafka-client.ts';
import { brokerOutage } from './fault-scenarios.ts';
import { JobChild } from './job-child.ts';
import type { KafkaServer } from './kafka-server.ts';
import { sampleDir, tailTopic } from './output-probes.ts';
import { sinkJobDifferences } from './sink-job-oracle.ts';
import { sleep, waitFor } from './server-process.ts';

/** Options of one broker outage under a running exactly-once job. */
export interface KafkaOutageOptions {
  readonly outageMs: number;
  /** Records per second the job reads (from a generator: the input does not stop with the broker). */
  readonly rate?: number;
  readonly intervalMs?: number;
  readonly tolerableFailures?: number;
  /** Progress lines (the script prints them). */
  readonly progress?: (line: string) => void;
}

/** What one outage did to the job, for assertions and the report. */
export interface KafkaOutageReport {
  readonly outageMs: number;
  /** From the SIGKILL to the broker answering again (down time plus its restart). */
  readonly unavailableMs: number;
  /** From the broker's port opening again to the sink's first commit (or recovery) after it. */
  readonly recoverMs: number;
  /** Records committed in all (ids 0..committed-1 when exact). */
  readonly committed: number;
  /** Differences from the oracle; empty when the committed output is exact. */
  readonly problems: readonly string[];
  /** Checkpoint directory before the outage and at most during it (from the kill to recovery). */
  readonly storage: { readonly beforeBytes: number; readonly maxBytes: number; readonly maxCheckpoints: number; readonly boundBytes: number };
  /** Checkpoints the job logged as failed, and the largest "in a row" count among them. */
  readonly failedCheckpoints: number;
  readonly maxInARow: number;
  /** Restarts by the restart strategy (from the job's log). */
  readonly restarts: number;
  readonly retain: number;
  /** The job's log, relative to its start, for a failure message. */
  readonly log: string;
}

/** Bytes a record takes in a checkpoint's sink token, at most (msgpack, base64 in JSON). */
const TOKEN_BYTES_PER_RECORD = 150;
const RETAIN = 3;

/**
 * Runs the fault job (fixtures/sink-job.ts) into a topic of `kafka`, kills the broker for
 * `outageMs` once output flows, restarts it, waits for output committed after it, then stops the
 * job with a savepoint and compares everything committed with the oracle. The checkpoint
 * directory is sampled all along; its bound is what `retain` checkpoints carrying every record
 * not yet published can hold (each token covers all unpublished records, older checkpoints are
 * retired): it does not grow with the length of the outage once the job has failed over.
 *
 * @example
 * const r = await runKafkaOutage(kafka, { outageMs: 10_000 }); assert.deepEqual(r.problems, []);
 */
export async function runKafkaOutage(kafka: KafkaServer, o: KafkaOutageOptions): Promise<KafkaOutageReport> {
  const rate = o.rate ?? 300;
  const progress = o.progress ?? (() => {});
  const topic = `faults-out-${Date.now().toString(36)}`;
  const admin = kafkaAdmin(kafka.brokers);
  try {
    await admin.createTopic(topic, 2);
  } finally {
    admin.close();
  }
  const root = mkdtempSync(join(tmpdir(), 'eddy-faults-kafka-job-'));
  const ckpt = join(root, 'ckpt');
  const out = await tailTopic(kafka.brokers, topic);
  const disk = sampleDir(ckpt);
  // Long enough for the longest outage with the broker's restart and the job's failover.
  const job = JobChild.start([
    '--sink', 'kafka', '--target', kafka.brokers, '--out', topic, '--ckpt', ckpt, '--rate', String(rate),
    '--interval', String(o.intervalMs ?? 500), '--tolerable', String(o.tolerableFailures ?? 3),
  ], o.outageMs + 600_000);
  let exited = false;
  void job.exited.then(() => (exited = true));
  const t0 = Date.now();
  try {
    await waitFor('the job to publish its first records', () => exited || out.count >= rate, 120_000);
    if (exited) throw new Error(`the job ended before the outage:\n${job.describe(t0)}`);
    // A few checkpoints: the bound below counts only what the outage adds.
    await sleep(2_000);
    const before = disk.max();
    progress(`job publishing (${out.count} records); killing the broker for ${o.outageMs / 1000} s`);
    const fault = await brokerOutage(kafka, o.outageMs);
    const atBack = out.count;
    progress(`broker back after ${((fault.backAt - fault.startedAt) / 1000).toFixed(1)} s; waiting for new output`);
    await waitFor('records committed after the broker came back', () => exited || out.count > atBack, 300_000);
    if (out.seenAfter(atBack) === null) throw new Error(`the job ended without publishing after the outage:\n${job.describe(t0)}`);
    const recoveredAt = job.firstAfter(/^(committed checkpoint|recovered the restored)/, fault.listeningAt) ?? out.seenAfter(atBack)!;
    progress(`publishing again ${((recoveredAt - fault.listeningAt) / 1000).toFixed(1)} s after the broker took connections again; stopping the job`);
    const during = disk.max(fault.startedAt, recoveredAt);
    // Let a few more checkpoints commit, then stop: the savepoint commits the rest.
    await sleep(2_000);
    job.stop();
    const exit = await job.exited;
    disk.stop();
    if (exit.done === null) throw new Error(`the job did not stop cleanly (exit ${exit.code}, ${exit.signal}):\n${job.describe(t0)}`);
    await settle(() => out.count);
    await out.stop();
    const records = out.records();
    const committed = records.reduce((m, r) => Math.max(m, r.id + 1), 0);
    const failed = job.lines(/^checkpoint \d+ failed/);
    const inARow = failed.map((l) => Number(/\((\d+) in a row/.exec(l)?.[1] ?? 0));
    // What the tokens of `retain` checkpoints (and one being written) can hold at most: every
    // record read between the last commit before the kill and the first one after the outage.
    const unpublishedMax = Math.ceil((rate * (recoveredAt - fault.startedAt + 2 * (o.intervalMs ?? 500) + 2_000)) / 1000);
    return {
      outageMs: o.outageMs,
      unavailableMs: fault.backAt - fault.startedAt,
      recoverMs: recoveredAt - fault.listeningAt,
      committed,
      problems: sinkJobDifferences(records, committed),
      storage: {
        beforeBytes: before.bytes, maxBytes: during.bytes, maxCheckpoints: during.dirs,
        boundBytes: before.bytes + (RETAIN + 1) * unpublishedMax * TOKEN_BYTES_PER_RECORD,
      },
      failedCheckpoints: failed.length,
      maxInARow: Math.max(0, ...inARow),
      restarts: job.lines(/restarting from the latest checkpoint/).length,
      retain: RETAIN,
      log: job.describe(t0, 60),
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\njob log:\n${job.describe(t0)}`, { cause: e });
  } finally {
    job.stop();
    disk.stop();
    await Promise.race([job.exited, sleep(30_000)]);
    await out.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

/** Waits until `count` has not changed for 2 s (the probe has read what was committed). */
async function settle(count: () => number): Promise<void> {
  for (let last = -1, same = 0; same < 10; await sleep(200)) {
    const n = count();
    same = n === last ? same + 1 : 0;
    last = n;
  }
}
