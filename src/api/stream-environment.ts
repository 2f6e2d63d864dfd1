import { collectionSource } from '../connectors/collection/collection-source.ts';
import type { Source } from '../connectors/source.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { explain } from '../plan/explain.ts';
import type { Plan } from '../plan/plan.ts';
import type { JobResult } from '../runtime/job-result.ts';
import type { RuntimeOptions } from '../runtime/running-graph.ts';
import { HeapStateBackend } from '../state/heap-state-backend.ts';
import type { KeyedStateBackend, StateBackendContext } from '../state/state-table.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { type CheckpointConfig, resolveCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import type { RestartStrategy } from '../job/restart-strategy.ts';
import { resolveWebOptions, type WebOptions } from '../ui/web-options.ts';
import type { ScaleOutOptions } from '../cluster/scale-out-options.ts';
import type { JobHandle } from '../job/job-handle.ts';
import type { JobSettings } from '../job/job-settings.ts';
import { launchJob } from '../job/launcher.ts';
import { launchScaledOut } from '../cluster/scale-out-launcher.ts';
import type { BadInputPolicy } from '../functions/dead-letter.ts';
import { builderOf, type DataStream, DataStreamImpl, type DataStreamSink } from './data-stream.ts';
import { GraphBuilder } from './graph-builder.ts';

export type { JobHandle } from '../job/job-handle.ts';

/**
 * Settings of an environment; every one has a default.
 *
 * @example
 * StreamEnvironment.create({ batchSize: 256, badInput: 'fail', clock: new ManualClock(0) });
 */
export interface EnvironmentOptions {
  /** Processing-time clock (default: the system clock). */
  readonly clock?: Clock;
  /**
   * Records per batch between operators (default 1024). A source moves its watermark once per
   * batch, so lateness is decided per batch (one file smaller than a batch has no late records);
   * `batchSize: 1` moves the watermark after every record.
   */
  readonly batchSize?: number;
  /** Where keyed state lives (default: the heap). */
  readonly stateBackend?: (ctx: StateBackendContext) => KeyedStateBackend;
  /** What sources do with unreadable input (default: 'dead-letter'). */
  readonly badInput?: BadInputPolicy;
  /** Where operational messages go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Periodic checkpoints for fault tolerance (default: none). */
  readonly checkpoints?: CheckpointConfig | null;
  /** Where a job with checkpoints starts (default: its newest valid checkpoint, if any). */
  readonly restore?: RestoreRequest;
  /** Restarts from the latest checkpoint after a failure (default: none; needs checkpoints). */
  readonly restartStrategy?: RestartStrategy;
  /** Serve a dashboard, a REST API and /metrics while a job runs (default: none). */
  readonly web?: WebOptions | null;
  /**
   * Run as one of several instances sharing the Kafka input's partitions (default: none); see
   * docs/scale-out.md. `checkpoints` (optional) then sets the interval and retention, not the dir.
   */
  readonly scaleOut?: ScaleOutOptions | null;
}

/**
 * Where a job is built and run.
 *
 * @example
 * const env = StreamEnvironment.create();
 * const out = sinks.collect<number>();
 * env.fromCollection([1, 2, 3]).map((x) => x * 2).sinkTo(out);
 * await env.execute('double');
 * out.values; // [2, 4, 6]
 */
export class StreamEnvironment {
  private readonly graph = new GraphBuilder();
  private current: JobHandle | null = null;
  private sourceNames = new Set<string>();

  private constructor(readonly options: JobSettings & { readonly scaleOut: ScaleOutOptions | null }) {}

  static create(options: EnvironmentOptions = {}): StreamEnvironment {
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be an integer >= 1, got ${batchSize}`);
    const checkpoints = options.checkpoints ? resolveCheckpointConfig(options.checkpoints) : null;
    return new StreamEnvironment({
      clock: options.clock ?? systemClock,
      batchSize,
      stateBackend: options.stateBackend ?? (() => new HeapStateBackend()),
      badInput: options.badInput ?? 'dead-letter',
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
      checkpoints,
      guarantee: checkpoints?.guarantee ?? 'none',
      restore: options.restore ?? { from: 'latest' },
      restartStrategy: options.restartStrategy ?? { kind: 'none' },
      web: options.web ? resolveWebOptions(options.web) : null,
      scaleOut: options.scaleOut ?? null,
    });
  }

  /** A stream from a source, with its timestamps and watermarks. Source names must be unique. */
  fromSource<T>(source: Source<T>, strategy: WatermarkStrategy<T>, name: string): DataStream<T> {
    if (this.sourceNames.has(name)) throw new Error(`a source named '${name}' already exists in this job; source names must be unique`);
    this.sourceNames.add(name);
    const id = this.graph.add({
      kind: 'source', inputs: [], source: source as Source<unknown>, strategy: strategy as WatermarkStrategy<unknown>, name,
    });
    return new DataStreamImpl<T>(this.graph, id);
  }

  /** A stream of the given values (no watermarks unless a strategy is given). */
  fromCollection<T>(values: readonly T[], strategy: WatermarkStrategy<T> = WatermarkStrategy.noWatermarks<T>(), name?: string): DataStream<T> {
    return this.fromSource(collectionSource(values), strategy, name ?? this.graph.generatedName('collection', []));
  }

  /** The job graph as frozen data. */
  plan(): Plan {
    return this.graph.plan();
  }

  /** The operator graph and its chains, as text. */
  explain(jobName = 'job'): string {
    return explain(this.plan(), jobName);
  }

  /** Metrics of the running (or last) job; null before the first run. */
  metrics(): JobMetricsSnapshot | null {
    return this.current?.metrics() ?? null;
  }

  /** Runs the job; resolves when every source has ended (or the job is cancelled). */
  async execute(jobName = 'job'): Promise<JobResult> {
    return this.executeAsync(jobName).result;
  }

  /** Starts the job and returns at once with a handle to it. */
  executeAsync(jobName = 'job'): JobHandle {
    const scaleOut = this.options.scaleOut;
    const handle = scaleOut === null ? launchJob(this.plan(), jobName, this.options) : launchScaledOut(this.plan(), jobName, this.options, scaleOut);
    this.current = handle;
    return handle;
  }

  /**
   * @internal the name of the node a stream or sink handle stands for when it was built on another
   * environment than this one (its id means nothing here), else null.
   */
  foreignHandle(handle: DataStream<unknown> | DataStreamSink): string | null {
    const graph = builderOf(handle);
    return graph === null || graph === this.graph ? null : graph.get(handle.id).name;
  }

  /** @internal a fresh environment with the same settings, for a job of its own (SQL's INSERT INTO). */
  fork(): StreamEnvironment {
    return new StreamEnvironment(this.options);
  }

  /** @internal the runtime settings, for the test driver. */
  runtimeOptions(): RuntimeOptions {
    return this.options;
  }
}
