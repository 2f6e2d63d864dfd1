import type { DataStream, DataStreamSink } from '../api/data-stream.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { StreamEnvironment } from '../api/stream-environment.ts';
import type { SinkWriter } from '../connectors/sink.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { validatePlan } from '../plan/validate.ts';
import type { Batch, BatchTarget } from '../runtime/batch.ts';
import { RunningGraph } from '../runtime/running-graph.ts';
import { cutGraph, restoreCut, type KeyedLink, type SourceCut } from '../runtime/graph-cut.ts';
import type { StateChanges } from '../state/state-table.ts';
import type { SourceTask } from '../runtime/source-task.ts';
import { ManualClock } from '../time/clock.ts';
import { NoWatermarksGenerator } from '../time/watermark-generator.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { decodeState, encodeState } from '../checkpoint/snapshot-codec.ts';
import { noSinkNamed, refuseForeign } from './driver-errors.ts';
import { ManualReader } from './manual-reader.ts';
import { TestInput } from './test-input.ts';
import type { Source } from '../connectors/source.ts';
import { lineFormatOf, type LineFormat } from '../connectors/file/line-format.ts';

/** Keyed state goes in full again after this many links (as checkpoints' default maxDeltaChain). */
const MAX_CHAIN = 8;

/** What DriverSnapshot's bytes hold: the graph cut, with each keyed chain encoded link by link. */
interface DriverCut {
  readonly operators: { node: number; local: unknown; keyed: Buffer[]; watermark: number; inputWatermarks: readonly number[] }[];
  readonly sources: readonly SourceCut[];
}

/**
 * Records a stream produced while the driver ran, with their timestamps.
 *
 * @example
 * const out = driver.output(counts); driver.endInput(); assert.equal(out.take().length, 3);
 */
export interface TestOutput<T> {
  readonly values: T[];
  readonly timestamps: number[];
  /** Returns what arrived so far and forgets it. */
  take(): T[];
}

/**
 * Options of the test driver.
 *
 * @example
 * StreamTestDriver.create(env, { startTime: Date.parse('2024-01-01'), watermarks: 'manual' });
 */
export interface TestDriverOptions {
  /** Initial processing time (default 0). */
  readonly startTime?: number;
  /** 'strategy' (default): sources' watermark strategies run as in production; 'manual': only advanceWatermark moves time. */
  readonly watermarks?: 'strategy' | 'manual';
  /** Starts from a `snapshot()` of another driver over the same job (a checkpoint round trip). */
  readonly restoreFrom?: DriverSnapshot;
}

/**
 * Everything a checkpoint would hold, taken from a driver: operator state, keyed state (a full
 * snapshot and the deltas since), watermarks, and each input's position. Serialized (as a
 * checkpoint is) when taken.
 *
 * @example
 * const snap = driver.snapshot();
 * const resumed = StreamTestDriver.create(env, { restoreFrom: snap });
 */
export interface DriverSnapshot {
  readonly bytes: Buffer;
}

/**
 * Runs a job deterministically on one thread, with the same runtime as production: push records
 * into named sources, move watermarks and processing time by hand, read any stream's output.
 * Sources are replaced by manual inputs and sinks by in-memory captures; nothing does I/O.
 *
 * @example
 * const driver = StreamTestDriver.create(env);
 * const out = driver.output(counts);
 * driver.input<Click>('clicks').push({ page: '/a', ts: 1_000 }, 1_000);
 * driver.advanceWatermark('clicks', 60_000);
 * out.values; // [{ key: '/a', start: 0, end: 60_000, value: 1 }]
 */
export class StreamTestDriver {
  private readonly readers = new Map<string, ManualReader<unknown>>();
  /** Per keyed operator (plan node id), the keyed-state chain of its last snapshot: full, then deltas. */
  private readonly chains = new Map<number, Buffer[]>();
  private readonly graph: RunningGraph;
  private readonly clock: ManualClock;
  private closed = false;

  private constructor(private readonly env: StreamEnvironment, options: TestDriverOptions) {
    this.clock = new ManualClock(options.startTime ?? 0);
    const plan = env.plan();
    validatePlan(plan);
    const manual = options.watermarks === 'manual';
    this.graph = new RunningGraph(plan, 'test', {
      ...env.runtimeOptions(),
      clock: this.clock,
      readerFor: (n) => {
        const r = new ManualReader<unknown>();
        this.readers.set(n.name, r);
        return r;
      },
      writerFor: () => captureWriter(),
      strategyFor: (n) => {
        if (n.strategy.timestampKind === 'ingestion' && !manual) return n.strategy;
        // Explicit timestamps on push win; otherwise the source's own assigner runs.
        const assign = n.strategy.timestampAssigner;
        const base = manual ? WatermarkStrategy.forGenerator<unknown>(() => new NoWatermarksGenerator()) : n.strategy;
        const withTs = assign === null ? base : base.withTimestampAssigner((v, ts) => (Number.isNaN(ts) ? assign(v, ts) : ts));
        return n.strategy.idlenessMs === null ? withTs : withTs.withIdleness(n.strategy.idlenessMs);
      },
    });
    if (options.restoreFrom !== undefined) this.restore(options.restoreFrom);
    this.graph.open();
    // Restored records still queued in a reader go on at once, as they would after a restart.
    this.afterInput();
  }

  /**
   * A checkpoint of the driver's job as it stands now, taken with the same cut as production's
   * checkpoints: operator and keyed state, watermarks, and each input's position (records pushed
   * but not read yet, line numbers and headers of pushLines, offsets of pushKafka). Keyed state
   * is incremental as in checkpoints: the driver's first snapshot holds it in full, later ones
   * the changes since (a snapshot carries its whole chain, so any of them restores alone).
   */
  snapshot(): DriverSnapshot {
    const cut = cutGraph(this.graph, {
      delta: (node) => (this.chains.get(node)?.length ?? MAX_CHAIN) < MAX_CHAIN,
      copyDir: null,
    });
    const operators: DriverCut['operators'] = cut.operators.map((o) => {
      let keyed: Buffer[] = [];
      if (o.keyed?.kind === 'full') keyed = [encodeState(o.keyed.state)];
      else if (o.keyed?.kind === 'delta') keyed = [...this.chains.get(o.node)!, encodeState(o.keyed.changes)];
      if (o.keyed !== null) this.chains.set(o.node, keyed);
      return { node: o.node, local: o.local, keyed, watermark: o.watermark, inputWatermarks: o.inputWatermarks };
    });
    const data: DriverCut = { operators, sources: cut.sources };
    return { bytes: encodeState(data) };
  }

  private restore(snap: DriverSnapshot): void {
    const data = decodeState(snap.bytes) as DriverCut;
    const plan = this.graph.plan.nodes;
    const tokens = restoreCut(this.graph, {
      operators: data.operators.map((o) => ({
        node: o.node, label: `'${plan[o.node].name}' (${plan[o.node].kind})`, local: o.local, localFrom: null,
        keyed: o.keyed.map((b, i): KeyedLink => (i === 0 ? { kind: 'full', state: decodeState(b) } : { kind: 'delta', changes: decodeState(b) as StateChanges })),
        watermark: o.watermark, inputWatermarks: o.inputWatermarks,
      })),
      sources: data.sources,
      sinks: [], // the driver's sinks are in-memory captures: nothing to pre-commit or recover
    });
    if (tokens instanceof Promise) throw new Error('a driver snapshot restores synchronously: everything in it is in memory');
  }

  /** Builds a driver over the job defined in `env`. */
  static create(env: StreamEnvironment, options: TestDriverOptions = {}): StreamTestDriver {
    return new StreamTestDriver(env, options);
  }

  /** A named source's input. */
  input<T>(sourceName: string): TestInput<T> {
    const reader = this.readers.get(sourceName);
    const task = this.graph.sources.find((s) => s.node.name === sourceName);
    if (reader === undefined || task === undefined) {
      throw new Error(`no source named '${sourceName}'; sources: ${[...this.readers.keys()].join(', ')}`);
    }
    const source = this.env.plan().nodes.find((n) => n.kind === 'source' && n.name === sourceName);
    const src = source?.kind === 'source' ? source.source : null;
    return new TestInput<T>(this, reader as ManualReader<T>, sourceName, (src === null || src === undefined ? null : lineFormatOf(src)) as LineFormat<T> | null, src as Source<T> | null);
  }

  /** Moves the watermark of one source (or, without a name, of every source) to `time`. */
  advanceWatermark(sourceOrTime: string | number, time?: number): void {
    if (typeof sourceOrTime === 'string') this.input(sourceOrTime).advanceWatermark(time!);
    else for (const name of this.readers.keys()) this.input(name).advanceWatermark(sourceOrTime);
  }

  /**
   * Moves processing time forward by `ms`: hands on async results that have already come back,
   * and fires processing-time timers and idleness, and (asyncMap) timeouts and retries.
   */
  advanceProcessingTime(ms: number): void {
    this.clock.advance(ms);
    this.afterInput();
  }

  /**
   * Lets asyncMap promises that are already resolved (or resolve without timers) land, and hands
   * their results on: event-loop turns until one brings nothing. Requests the test has not
   * answered stay in flight. Results of asyncMap reach the outputs only here, in `settleAll` and
   * in `advanceProcessingTime`, so a test decides when.
   *
   * @example
   * driver.input<number>('ids').push(1); fake.answer(0); await driver.settle(); out.values; // [lookup(1)]
   */
  async settle(): Promise<void> {
    this.afterInput();
    do await yieldToEventLoop();
    while (this.afterInput());
  }

  /**
   * Waits until no asyncMap request is in flight (for services with real I/O or timers), handing
   * results on as they come. Records backing off before a retry wait for `advanceProcessingTime`.
   * Fails after `maxTurns` event-loop turns (e.g. a fake that waits on the manual clock).
   *
   * @example
   * driver.input('orders').pushAll(orders); await driver.settleAll(); out.values.length; // orders.length
   */
  async settleAll(maxTurns = 100_000): Promise<void> {
    const rt = this.graph;
    for (let turn = 0; ; turn++) {
      this.afterInput();
      if (rt.asyncOutstanding === 0) break;
      if (turn >= maxTurns) {
        throw new Error(`settleAll: ${rt.asyncOutstanding} asyncMap request(s) still in flight after ${maxTurns} event-loop turns; if they wait on the manual clock, call advanceProcessingTime`);
      }
      await Promise.race([rt.whenAsyncProgress(), yieldToEventLoop()]);
    }
  }

  /** Current processing time. */
  now(): number {
    return this.clock.now();
  }

  /** Ends every input: the watermark goes to +Infinity, all windows and timers fire. */
  endInput(): void {
    for (const name of this.readers.keys()) this.input(name).end();
  }

  /**
   * What a stream (or a sink, by handle or name) receives from now on. Call before pushing.
   */
  output<T>(target: DataStream<T> | DataStreamSink | string): TestOutput<T> {
    const plan = this.env.plan();
    let id: number;
    if (typeof target === 'string') {
      const sink = plan.nodes.find((n) => n.kind === 'sink' && n.name === target);
      if (sink === undefined) throw new Error(noSinkNamed(target, plan));
      id = sink.inputs[0];
    } else {
      refuseForeign(this.env, 'output', target);
      const n = plan.nodes[target.id];
      id = n.kind === 'sink' ? n.inputs[0] : n.id;
    }
    const capture = new Capture<T>();
    this.graph.nodes[id].out.connect(capture, 0);
    return capture;
  }

  /** What a side output of a stream receives from now on. */
  sideOutput<S, T = unknown>(stream: DataStream<T>, tag: OutputTag<S>): TestOutput<S> {
    refuseForeign(this.env, 'sideOutput', stream);
    const capture = new Capture<S>();
    this.graph.nodes[stream.id].sideOutput(tag.id, this.env.runtimeOptions().batchSize).connect(capture, 0);
    return capture;
  }

  metrics(): JobMetricsSnapshot {
    return this.graph.metrics();
  }

  /**
   * @internal after an input pushed, set a watermark or ended, or time moved: steps the graph
   * (the runtime's own round: read, drain async results, fire processing time) until it rests,
   * setting queued watermarks as the records before them have gone through. Finishes the job once
   * every input has ended and no asyncMap holds records. Returns whether anything moved.
   */
  afterInput(): boolean {
    let moved = false;
    while (!this.closed) {
      const r = this.graph.step();
      let again = r.worked;
      moved ||= r.worked;
      for (const [name, reader] of this.readers) {
        const wm = reader.takeWatermark();
        if (wm === null) continue;
        this.task(name).forceWatermark(0, wm);
        again = true;
      }
      if (r.done) {
        this.closed = true;
        this.graph.finishOperators();
        this.graph.closeOperators();
      }
      if (!again) break;
    }
    return moved;
  }

  private task(sourceName: string): SourceTask<unknown> {
    return this.graph.sources.find((s) => s.node.name === sourceName)!;
  }
}

class Capture<T> implements TestOutput<T>, BatchTarget {
  values: T[] = [];
  timestamps: number[] = [];
  receive(batch: Batch<unknown>): void {
    for (let i = 0; i < batch.length; i++) {
      this.values.push(batch.values[i] as T);
      this.timestamps.push(batch.times[i]);
    }
  }
  onInputWatermark(): void {}
  onInputIdle(): void {}
  take(): T[] {
    const v = this.values;
    this.values = [];
    this.timestamps = [];
    return v;
  }
}

function captureWriter(): SinkWriter<unknown> {
  return {
    open: async () => {}, write: () => {}, backlog: 0, capacity: Number.POSITIVE_INFINITY,
    flush: async () => {}, close: async () => {},
  };
}

