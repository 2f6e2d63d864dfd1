import { join } from 'node:path';
import type { ResolvedCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import { resolveCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import { localDirOf, normalizeLocation, storeAt } from '../checkpoint/checkpoint-location.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { Plan } from '../plan/plan.ts';
import type { JobResult } from '../runtime/job-result.ts';
import type { RuntimeOptions } from '../runtime/running-graph.ts';
import type { StateBackendContext } from '../state/state-table.ts';
import { kafkaAdmin } from '../connectors/kafka/kafka-client.ts';
import { autoRepartition } from './auto-repartition.ts';
import { GroupMembership } from './group-membership.ts';
import { PartitionTask } from './partition-task.ts';
import type { ScaleOutOptions } from './scale-out-options.ts';
import { scaleOutInputs, taskPlan } from './task-plan.ts';
import { guardSinks, TaskOwner } from './task-owner.ts';

/**
 * Below this many libuv pool threads, an instance warns: measured with two instances of 4 tasks
 * in one process, the default 4 threads stalled transactions for the 60 s test budget in 5 runs
 * of 9; 32 threads passed 3 of 3 in 5 s.
 */
const MIN_THREADPOOL = 16;

/**
 * One running instance of a scaled-out job.
 *
 * @example
 * const run = startScaleOut(plan, 'fraud', runtimeOptions, null, { groupId: 'fraud', stateDir: '/shared' });
 * process.once('SIGTERM', () => run.stop()); await run.result;
 */
export interface ScaleOutRun {
  /** Resolves (status 'cancelled') after `stop`, once every task has handed over and the instance left the group. */
  readonly result: Promise<JobResult>;
  /** Leaves the group gracefully: every task stops at a final checkpoint first. */
  stop(): void;
  /** Partitions this instance runs now. */
  partitions(): number[];
  /** Metrics summed over the tasks running now (operators: those of the lowest partition). */
  metrics(): JobMetricsSnapshot;
}

/**
 * Joins the job's consumer group and runs a PartitionTask for every partition the group assigns
 * to this instance, checkpointing to `<stateDir>/<job>/<topic>-<partition>/`. A task is created on
 * assignment (restored from that directory when a previous owner left a checkpoint, else starting
 * as the source's `startFrom` says) and stopped on revocation before the group may move it.
 *
 * @example
 * startScaleOut(env.plan(), 'counts', env.runtimeOptions(), null, { groupId: 'counts', stateDir: '.eddy/shared', copartitioned: true });
 */
export function startScaleOut(plan: Plan, jobName: string, runtime: RuntimeOptions, checkpoints: ResolvedCheckpointConfig | null, options: ScaleOutOptions): ScaleOutRun {
  if (!options.groupId) throw new Error('scaleOut.groupId is required: the consumer group whose members share the partitions');
  if (!options.stateDir) throw new Error('scaleOut.stateDir is required: a directory every instance can reach, where partition tasks checkpoint');
  // Without the copartitioned promise, every keyBy reads from an internal topic keyed by its key.
  if (options.copartitioned !== true) plan = autoRepartition(plan, jobName, scaleOutInputs(plan, true).brokers);
  const inputs = scaleOutInputs(plan, true);
  const log = runtime.log;
  const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  if (pool < MIN_THREADPOOL) {
    log(`scale-out: UV_THREADPOOL_SIZE is ${pool}; each partition task's Kafka clients hold libuv pool threads in blocking librdkafka calls, ` +
      `so tasks can stall each other for seconds. Start the process with UV_THREADPOOL_SIZE=${MIN_THREADPOOL} or more (it must be set before Node starts).`);
  }
  const clock = runtime.clock;
  const started = clock.now();
  const tasks = new Map<number, PartitionTask>();
  const base = checkpoints ?? resolveCheckpointConfig({ dir: options.stateDir });
  const stateDir = normalizeLocation(options.stateDir);
  const task = (p: number) => `${jobName}/${inputs.topic}-${p}`;
  const newTask = (p: number) => {
    // In an object store, each task's local files (LMDB copies on their way) go to this instance's own directory.
    const cp = { ...base, dir: `${stateDir}/${task(p)}`, localDir: join(localDirOf(stateDir, options.localDir), task(p)) };
    // The task's sinks are built for the checkpoints' guarantee: sinks.kafka is transactional.
    // Each task's keyed state in a place of its own (an LMDB directory per operator and partition).
    const stateBackend = (ctx: StateBackendContext) => runtime.stateBackend({ ...ctx, operator: `${ctx.operator}-p${p}` });
    const owner = new TaskOwner(storeAt(cp.dir, cp));
    return new PartitionTask(p, guardSinks(taskPlan(plan, p, jobName), owner), {
      jobName, runtime: { ...runtime, guarantee: cp.guarantee, stateBackend }, checkpoints: cp, restartDelayMs: options.taskRestartDelayMs ?? 1000, log, owner,
    });
  };
  let stopRequested = false;
  let membership: GroupMembership | null = null;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((res) => (wake = res));
  // Tasks start once every input topic is known to have the right partitions (an internal topic
  // may have to be created first); assignments that come earlier wait for this.
  let inputsReady: () => void = () => {};
  const ready = new Promise<void>((res) => (inputsReady = res));
  const listener = {
    assigned(parts: readonly number[]) {
      log(`job '${jobName}' (pid ${process.pid}): assigned partitions ${parts.join(',')} of ${inputs.topic}`);
      for (const p of parts) {
        if (tasks.has(p)) continue;
        const t = newTask(p);
        tasks.set(p, t);
        void ready.then(() => t.start());
      }
    },
    async revoked(parts: readonly number[], lost: boolean) {
      const mine = parts.filter((p) => tasks.has(p));
      if (mine.length === 0) return;
      log(`job '${jobName}' (pid ${process.pid}): ${lost ? 'lost' : 'handing over'} partitions ${mine.join(',')} of ${inputs.topic}`);
      await Promise.all(mine.map((p) => (lost ? tasks.get(p)!.abandon() : tasks.get(p)!.handOver())));
      for (const p of mine) tasks.delete(p);
    },
  };
  const metrics = () => sumMetrics(jobName, started, clock.now(), [...tasks.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t.metrics()));
  const stop = () => {
    stopRequested = true;
    wake();
  };
  const onSignal = () => stop();
  const result = (async (): Promise<JobResult> => {
    membership = await GroupMembership.join(inputs.brokers, options.groupId, inputs.topic, listener, log, options.properties);
    try {
      const n = await membership.partitionCount(inputs.topic);
      if (n === 0) throw new Error(`scale-out: topic '${inputs.topic}' does not exist at ${inputs.brokers}`);
      for (const t of inputs.topics) {
        let m = t === inputs.topic ? n : await membership.partitionCount(t);
        if (m === 0) {
          // An internal (repartition) topic: create it, then wait until its metadata shows it.
          await createTopic(inputs.brokers, t, n, log);
          for (let i = 0; i < 100 && m < n; i++) {
            await clock.sleep(100);
            m = await membership.partitionCount(t);
          }
        }
        if (m !== n) throw new Error(`scale-out: topic '${t}' has ${m} partitions and '${inputs.topic}' has ${n}; partition tasks need every input topic partitioned alike`);
      }
      inputsReady();
      if (!stopRequested) await stopped;
    } finally {
      await membership.leave();
      if (options.handleSignals !== false) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    }
    return { job: jobName, status: 'cancelled', durationMs: clock.now() - started, metrics: metrics(), checkpoints: [], restarts: 0 };
  })();
  const run: ScaleOutRun = {
    result,
    stop,
    partitions: () => [...tasks.keys()].sort((a, b) => a - b),
    metrics,
  };
  if (options.handleSignals !== false) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return run;
}

/** Creates a missing input topic with `partitions` partitions (another instance may race us: fine). */
async function createTopic(brokers: string, topic: string, partitions: number, log: (line: string) => void): Promise<number> {
  const admin = kafkaAdmin(brokers);
  try {
    await admin.createTopic(topic, partitions);
    log(`scale-out: created topic '${topic}' with ${partitions} partitions`);
  } finally {
    admin.close();
  }
  return partitions;
}

function sumMetrics(job: string, startedAt: number, now: number, parts: (JobMetricsSnapshot | null)[]): JobMetricsSnapshot {
  const ms = parts.filter((m): m is JobMetricsSnapshot => m !== null);
  const sum = (f: (m: JobMetricsSnapshot) => number) => ms.reduce((a, m) => a + f(m), 0);
  return {
    ...(ms[0] ?? { operators: [] }),
    job, startedAt, now,
    recordsIn: sum((m) => m.recordsIn), recordsOut: sum((m) => m.recordsOut), lateDropped: sum((m) => m.lateDropped),
    lateToSideOutput: sum((m) => m.lateToSideOutput), deadLetters: sum((m) => m.deadLetters),
    watermark: ms.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...ms.map((m) => m.watermark)),
  } as JobMetricsSnapshot;
}
