import { collectionSource } from '../connectors/collection/collection-source.ts';
import type { Source } from '../connectors/source.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { explain } from '../plan/explain.ts';
import type { Plan } from '../plan/plan.ts';
import { validatePlan } from '../plan/validate.ts';
import { JobRunner, type JobResult } from '../runtime/job-runner.ts';
import { JobRuntime, type RuntimeOptions } from '../runtime/job-runtime.ts';
import { HeapStateBackend } from '../state/heap-state-backend.ts';
import type { KeyedStateBackend, StateBackendContext } from '../state/state-table.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { type CheckpointConfig, type ResolvedCheckpointConfig, resolveCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import { setupCheckpoints } from '../checkpoint/setup-checkpoints.ts';
import { restartDelay, type RestartStrategy } from '../checkpoint/restart-strategy.ts';
import type { CheckpointRecord } from '../checkpoint/checkpoint-coordinator.ts';
import { ControlSocket } from '../checkpoint/control-socket.ts';
import type { RecordSample } from '../metrics/sample-ring.ts';
import { queryKeyedState, type StateQueryResult } from '../ui/query-state.ts';
import type { WebAddress } from '../ui/web-address.ts';
import { resolveWebOptions, type ResolvedWebOptions, type WebOptions } from '../ui/web-options.ts';
import { WebServer } from '../ui/web-server.ts';
import { startScaleOut } from '../cluster/scale-out-job.ts';
import type { ScaleOutOptions } from '../cluster/scale-out-options.ts';
import { cliHook } from './cli-hook.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { BadInputPolicy } from './dead-letter.ts';
import { GraphBuilder } from './graph-builder.ts';

/**
 * Settings of an environment; every one has a default.
 *
 * @example
 * StreamEnvironment.create({ batchSize: 256, badInput: 'fail', clock: new ManualClock(0) });
 */
export interface EnvironmentOptions {
  /** Processing-time clock (default: the system clock). */
  readonly clock?: Clock;
  /** Records per batch between operators (default 1024). */
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
 * A running job: its result, its live metrics, and a way to stop it.
 *
 * @example
 * const job = env.executeAsync('clicks');
 * setTimeout(() => job.cancel(), 60_000);
 * await job.result;
 */
export interface JobHandle {
  readonly name: string;
  readonly result: Promise<JobResult>;
  metrics(): JobMetricsSnapshot;
  cancel(): void;
  /** Completed and failed checkpoints of the current attempt. */
  checkpoints(): readonly CheckpointRecord[];
  /** Writes a savepoint (full, self-contained) to `path` at the next batch boundary; resolves with its path. */
  savepoint(path: string): Promise<string>;
  /** Writes a savepoint, then stops the job. */
  stopWithSavepoint(path: string): Promise<string>;
  /** One key's current state in a keyed operator (by uid, or name), read between step-loop rounds. */
  queryState(operator: string, key: string): Promise<StateQueryResult>;
  /** The last late records and dead letters (a few per operator), oldest first. */
  samples(): readonly RecordSample[];
  /** Where the dashboard listens once it does (null without the `web` option); rejects if it could not listen. */
  readonly web: Promise<WebAddress> | null;
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

  private constructor(readonly options: Required<Omit<EnvironmentOptions, 'checkpoints' | 'web' | 'scaleOut'>> & { readonly checkpoints: ResolvedCheckpointConfig | null; readonly web: ResolvedWebOptions | null; readonly scaleOut: ScaleOutOptions | null }) {}

  static create(options: EnvironmentOptions = {}): StreamEnvironment {
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be an integer >= 1, got ${batchSize}`);
    return new StreamEnvironment({
      clock: options.clock ?? systemClock,
      batchSize,
      stateBackend: options.stateBackend ?? (() => new HeapStateBackend()),
      badInput: options.badInput ?? 'dead-letter',
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
      checkpoints: options.checkpoints ? resolveCheckpointConfig(options.checkpoints) : null,
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
    return this.fromSource(collectionSource(values), strategy, name ?? `collection#${this.graph.plan().nodes.length}`);
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
    const plan = this.plan();
    const hook = cliHook();
    if (hook?.mode === 'explain') {
      hook.explained(jobName, explain(plan, jobName));
      const metrics = { job: jobName, startedAt: 0, now: 0, recordsIn: 0, recordsOut: 0, lateDropped: 0, lateToSideOutput: 0, deadLetters: 0, watermark: Number.NEGATIVE_INFINITY, operators: [] };
      const none = () => Promise.reject(new Error('explain mode: the job does not run'));
      const handle: JobHandle = {
        name: jobName, result: Promise.resolve({ job: jobName, status: 'cancelled', durationMs: 0, metrics, checkpoints: [], restarts: 0 }),
        metrics: () => metrics, cancel: () => {}, checkpoints: () => [], savepoint: none, stopWithSavepoint: none,
        queryState: none, samples: () => [], web: null,
      };
      return handle;
    }
    validatePlan(plan);
    if (this.options.scaleOut !== null) {
      const handle = scaleOutHandle(jobName, startScaleOut(plan, jobName, this.runtimeOptions(), this.options.checkpoints, this.options.scaleOut));
      this.current = handle;
      hook?.started(handle); // `eddy run` reports on it like any job
      return handle;
    }
    const cp = this.options.checkpoints;
    const strategy = this.options.restartStrategy;
    if (strategy.kind !== 'none' && cp === null) throw new Error('restartStrategy needs checkpoints: a restart resumes from the latest checkpoint');
    const log = this.options.log;
    let runtime = new JobRuntime(plan, jobName, this.runtimeOptions());
    // Set by attemptRun, which the block below calls before its first await.
    let runner!: JobRunner;
    let cancelled = false;
    // `eddy savepoint` reaches a job with checkpoints through <checkpoint dir>/control.sock (set once the handle exists).
    let control: ControlSocket | null = null;
    const attemptRun = (request: RestoreRequest) => {
      runner = new JobRunner(runtime, cp === null ? null : async () => {
        const setup = await setupCheckpoints(runtime, cp, request, log);
        await control?.listen(); // after the setup: a fresh start deletes the checkpoint directory
        return setup;
      });
      if (cancelled) runner.cancel();
      return runner.run();
    };
    const result = (async () => {
      let request = hook?.restore ?? this.options.restore;
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await attemptRun(request);
          return { ...r, restarts: attempt - 1 };
        } catch (e) {
          const delay = cancelled ? null : restartDelay(strategy, attempt);
          if (delay === null) throw e;
          log(`job '${jobName}' failed (attempt ${attempt}): ${e instanceof Error ? e.message : String(e)}; restarting from the latest checkpoint in ${delay} ms`);
          await this.options.clock.sleep(delay);
          runtime = new JobRuntime(plan, jobName, this.runtimeOptions());
          request = { from: 'latest' };
        }
      }
    })().finally(() => Promise.all([control?.close(), web?.close()])); // the result waits for the sockets to be gone
    const webOptions = hook?.web ?? this.options.web;
    let stopping = false;
    let web: WebServer | null = null;
    const handle: JobHandle = {
      name: jobName,
      result,
      metrics: () => runtime.metrics(),
      cancel: () => {
        cancelled = true;
        stopping = true;
        runner.cancel();
      },
      checkpoints: () => runner.checkpointHistory(),
      savepoint: (path) => runner.savepoint(path),
      stopWithSavepoint: async (path) => {
        cancelled = true; // no restart after this
        stopping = true;
        return runner.savepoint(path, true);
      },
      queryState: (operator, key) => {
        const rt = runtime; // the attempt running now
        return runner.atRoundBoundary(() => queryKeyedState(rt, operator, key));
      },
      samples: () => runtime.samples(),
      web: null,
    };
    if (webOptions) {
      web = new WebServer({
        name: jobName, plan, savepointDir: cp === null ? null : `${cp.dir}/savepoints`,
        status: () => (stopping ? 'stopping' : 'running'),
        metrics: handle.metrics, checkpoints: handle.checkpoints, samples: handle.samples,
        savepoint: handle.savepoint, stopWithSavepoint: handle.stopWithSavepoint, queryState: handle.queryState,
      }, webOptions, this.options.clock, log);
      const address = web.start().then((a) => {
        log(`job '${jobName}': dashboard at ${a.url}`);
        return a;
      }, (e: unknown) => {
        log(`job '${jobName}': no dashboard (the job runs on): cannot listen on ${webOptions.host}:${webOptions.port}: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      });
      address.catch(() => {}); // failing to listen never fails the job; `handle.web` still rejects
      (handle as { web: Promise<WebAddress> | null }).web = address;
    }
    if (cp !== null) control = new ControlSocket(cp.dir, handle, log);
    this.current = handle;
    hook?.started(handle);
    return handle;
  }

  /** @internal the runtime settings, for the test driver. */
  runtimeOptions(): RuntimeOptions {
    return { ...this.options, checkpoints: this.options.checkpoints };
  }
}

/** A scale-out instance as a JobHandle: `cancel` leaves the group gracefully; no savepoints or state queries. */
function scaleOutHandle(name: string, run: ReturnType<typeof startScaleOut>): JobHandle {
  const none = () => Promise.reject(new Error(`job '${name}' runs scaled out: savepoints and state queries are per partition task and not offered yet`));
  return {
    name, result: run.result, metrics: () => run.metrics(), cancel: () => run.stop(), checkpoints: () => [],
    savepoint: none, stopWithSavepoint: none, queryState: none, samples: () => [], web: null,
  };
}
