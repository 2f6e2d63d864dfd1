import type { ResolvedCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import { setupCheckpoints } from '../checkpoint/setup-checkpoints.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { Plan } from '../plan/plan.ts';
import { JobLoop } from '../runtime/job-loop.ts';
import { RunningGraph, type RuntimeOptions } from '../runtime/running-graph.ts';
import { describeError, restartLoop } from '../job/restart-loop.ts';
import type { TaskOwner } from './task-owner.ts';

/** What a partition task needs besides its plan. */
export interface PartitionTaskOptions {
  readonly jobName: string;
  readonly runtime: RuntimeOptions;
  /** Its own checkpoints: `dir` is the task's directory in the shared state directory. */
  readonly checkpoints: ResolvedCheckpointConfig;
  readonly restartDelayMs: number;
  readonly log: (line: string) => void;
  /** Claimed when the task starts; checked before every (re)start. */
  readonly owner: TaskOwner;
}

/**
 * The job for one input partition on this instance: a RunningGraph of the task plan (fresh
 * operators), restored from the newest checkpoint in its directory, which is where the
 * partition's previous owner left it. A failure restarts it from there while it is still
 * assigned. `handOver` stops it at a final checkpoint (sinks committed) for the next owner;
 * `abandon` stops it without one (the partition was lost: someone else may own it already).
 *
 * @example
 * const task = new PartitionTask(3, taskPlan(plan, 3, 'job'), options); task.start(); await task.handOver();
 */
export class PartitionTask {
  private graph: RunningGraph | null = null;
  private jobLoop: JobLoop | null = null;
  private stopping: 'hand-over' | 'abandon' | null = null;
  private loop: Promise<void> | null = null;
  /** Attempts that failed (the last error is logged). */
  failures = 0;

  constructor(readonly partition: number, private readonly plan: Plan, private readonly options: PartitionTaskOptions) {}

  start(): void {
    if (this.loop !== null || this.stopping !== null) return;
    this.loop = this.runLoop();
  }

  private async runLoop(): Promise<void> {
    const o = this.options;
    const where = `job '${o.jobName}' partition ${this.partition}`;
    let claimed = false;
    await restartLoop({
      run: async () => {
        if (this.stopping !== null) return;
        // Claimed in the first attempt: an object store that cannot be reached fails it, and the next attempt tries again.
        if (!claimed) {
          await o.owner.claim();
          claimed = true;
        } else if (!(await o.owner.owned())) {
          o.log(`${where}: another instance owns this task now; stopping it here`);
          return;
        }
        const graph = new RunningGraph(this.plan, o.jobName, o.runtime);
        const loop = new JobLoop(graph, () => setupCheckpoints(graph, o.checkpoints, { from: 'latest' }, o.log));
        this.graph = graph;
        this.jobLoop = loop;
        await loop.run(); // finished (a bounded input ended) or cancelled (stopped)
      },
      delayAfter: (_attempt, e) => {
        this.failures++;
        const restart = this.stopping === null;
        o.log(`${where}: task failed (${describeError(e)})${restart ? `; restarting from its newest checkpoint in ${o.restartDelayMs} ms` : ''}`);
        return restart ? o.restartDelayMs : null;
      },
      sleep: (ms) => o.runtime.clock.sleep(ms),
    }).catch(() => {}); // a failure while stopping ends the task; it is logged above
  }

  /** Stops at a final checkpoint that commits the sinks; resolves once it is written. */
  handOver(): Promise<void> {
    return this.stop('hand-over');
  }

  /** Stops without a checkpoint; the next owner restores the newest one and replays from there. */
  abandon(): Promise<void> {
    return this.stop('abandon');
  }

  private async stop(how: 'hand-over' | 'abandon'): Promise<void> {
    this.stopping ??= how;
    if (this.stopping === 'hand-over') this.jobLoop?.stopWithCheckpoint();
    else this.jobLoop?.cancel();
    await this.loop;
  }

  metrics(): JobMetricsSnapshot | null {
    return this.graph?.metrics() ?? null;
  }
}
