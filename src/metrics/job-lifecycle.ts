import type { CheckpointRecord } from './checkpoint-record.ts';
import { CHECKPOINT_BUCKETS_MS, type HistogramSnapshot, LatencyHistogram } from './latency-histogram.ts';
import { SampleRing } from './sample-ring.ts';

/**
 * Where a job is in its life: `restarting` between a failure and the next attempt, `stopping`
 * once a cancel or a stop was asked for; the last four are final.
 *
 * @example
 * if (job.metrics().lifecycle?.status === 'failed') alert();
 */
export type JobStatus = 'running' | 'restarting' | 'stopping' | 'finished' | 'stopped' | 'cancelled' | 'failed';

/**
 * One failure of a job: the error that ended an attempt, and whether the job was restarted after it.
 *
 * @example
 * for (const e of job.exceptions()) console.log(new Date(e.at), e.operator, e.message, e.restartInMs ?? 'not restarted');
 */
export interface JobException {
  /** When the attempt failed (ms since the epoch). */
  readonly at: number;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly message: string;
  /** The operator the error came from, when it names one. */
  readonly operator: string | null;
  /** The stack, cut to a few thousand characters (null when the error had none). */
  readonly stack: string | null;
  /** The delay before the restart that followed; null when the job was not restarted (it failed). */
  readonly restartInMs: number | null;
}

/**
 * A job over all its attempts: kept by the launcher, so that restarts do not reset it.
 *
 * @example
 * const l = job.metrics().lifecycle; if (l) console.log(l.status, l.restarts, new Date(l.startedAt));
 */
export interface JobLifecycleSnapshot {
  /** When the job was started (its first attempt). */
  readonly startedAt: number;
  readonly status: JobStatus;
  /** When it reached a final status (null while it has not). */
  readonly endedAt: number | null;
  readonly restarts: number;
  readonly checkpoints: {
    readonly completed: number;
    readonly failed: number;
    /** When the last checkpoint completed (NaN before the first). */
    readonly lastCompletedAt: number;
    /** Durations of completed checkpoints (ms, from the cut to the sinks' commit). */
    readonly duration: HistogramSnapshot;
    /** How long processing paused for each completed checkpoint's synchronous part (ms). */
    readonly pause: HistogramSnapshot;
  };
}

/** Exceptions kept per job: the history is for reading, not an archive. */
const EXCEPTIONS_KEPT = 50;
const STACK_CHARS = 4_000;

/**
 * What a job's launcher records across attempts: status, restarts and their errors, and a
 * histogram of checkpoint durations that a restart does not reset. Written only when something
 * happens (a checkpoint, a failure), never per record.
 *
 * @example
 * const life = new JobLifecycle(clock.now());
 * life.failed(error, 1, 'counter', 1_000, clock.now());
 * life.snapshot().restarts; // 0 until the restart happens: life.restarted()
 */
export class JobLifecycle {
  private status: JobStatus = 'running';
  private endedAt: number | null = null;
  private restarts = 0;
  private readonly exceptionRing = new SampleRing<JobException>(EXCEPTIONS_KEPT);
  private completed = 0;
  private failedCheckpoints = 0;
  private lastCompletedAt = Number.NaN;
  private readonly duration = new LatencyHistogram(CHECKPOINT_BUCKETS_MS);
  private readonly pause = new LatencyHistogram(CHECKPOINT_BUCKETS_MS);

  constructor(readonly startedAt: number) {}

  /** A checkpoint or savepoint has completed or failed. */
  checkpoint(record: CheckpointRecord): void {
    if (record.status === 'completed') {
      this.completed++;
      this.lastCompletedAt = record.startedAt + record.durationMs;
      this.duration.observe(record.durationMs);
      this.pause.observe(record.syncMs);
    } else {
      this.failedCheckpoints++;
    }
  }

  /** An attempt failed with `error`; `restartInMs` is null when no restart follows. */
  failed(error: unknown, attempt: number, operator: string | null, restartInMs: number | null, at: number): void {
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack.slice(0, STACK_CHARS) : null;
    this.exceptionRing.add({ at, attempt, message: error instanceof Error ? error.message : String(error), operator, stack, restartInMs });
    if (restartInMs === null) this.ended('failed', at);
    else if (this.status === 'running') this.status = 'restarting';
  }

  /** The next attempt starts. */
  restarted(): void {
    this.restarts++;
    if (this.status === 'restarting') this.status = 'running';
  }

  /** A cancel or stop was asked for. */
  stopping(): void {
    if (this.endedAt === null) this.status = 'stopping';
  }

  /** The job is over (the first final status sticks). */
  ended(status: 'finished' | 'stopped' | 'cancelled' | 'failed', at: number): void {
    if (this.endedAt !== null) return;
    this.status = status;
    this.endedAt = at;
  }

  /** The failures so far, oldest first (the last 50). */
  exceptions(): JobException[] {
    return this.exceptionRing.list();
  }

  snapshot(): JobLifecycleSnapshot {
    return {
      startedAt: this.startedAt, status: this.status, endedAt: this.endedAt, restarts: this.restarts,
      checkpoints: {
        completed: this.completed, failed: this.failedCheckpoints, lastCompletedAt: this.lastCompletedAt,
        duration: this.duration.snapshot(), pause: this.pause.snapshot(),
      },
    };
  }
}
