import type { DataStream, DataStreamSink } from '../api/data-stream.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { StreamEnvironment } from '../api/stream-environment.ts';
import type { SinkWriter } from '../connectors/sink.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { validatePlan } from '../plan/validate.ts';
import type { Batch, BatchTarget } from '../runtime/batch.ts';
import { JobRuntime } from '../runtime/job-runtime.ts';
import type { SourceTask } from '../runtime/source-task.ts';
import { ManualClock } from '../time/clock.ts';
import { NoWatermarksGenerator } from '../time/watermark-generator.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { decodeState, encodeState } from '../checkpoint/snapshot-codec.ts';
import { noSinkNamed, refuseForeign } from './driver-errors.ts';
import { ManualReader } from './manual-reader.ts';
import { LineFeeder } from './line-feeder.ts';
import { KafkaFeeder, type RawKafkaMessage } from './kafka-feeder.ts';
import { kafkaSourceOptions } from '../connectors/kafka/kafka-source.ts';
import type { Source } from '../connectors/source.ts';
import { lineFormatOf, type LineFormat } from '../connectors/file/line-format.ts';

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
 * Everything a checkpoint would hold, taken from a driver: operator state, keyed state,
 * watermarks. Serialized and deserialized (as a checkpoint is) when taken.
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
  private readonly runtime: JobRuntime;
  private readonly clock: ManualClock;
  private closed = false;

  private constructor(private readonly env: StreamEnvironment, options: TestDriverOptions) {
    this.clock = new ManualClock(options.startTime ?? 0);
    const plan = env.plan();
    validatePlan(plan);
    const manual = options.watermarks === 'manual';
    this.runtime = new JobRuntime(plan, 'test', {
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
        const withTs = base.withTimestampAssigner((v, ts) => (Number.isNaN(ts) && assign !== null ? assign(v, ts) : ts));
        return n.strategy.idlenessMs === null ? withTs : withTs.withIdleness(n.strategy.idlenessMs);
      },
    });
    if (options.restoreFrom !== undefined) this.restore(options.restoreFrom);
    this.runtime.open();
  }

  /** A checkpoint of the driver's job as it stands now. */
  snapshot(): DriverSnapshot {
    const nodes = this.runtime.nodes.map((n) => ({
      local: n.op?.snapshot?.() ?? null,
      keyed: n.op?.backend?.snapshot() ?? null,
      wm: n.watermarkState(),
    }));
    const sources = this.runtime.sources.map((t) => t.snapshotState().splitWatermarks);
    return { bytes: encodeState({ nodes, sources }) };
  }

  private restore(snap: DriverSnapshot): void {
    const data = decodeState(snap.bytes) as {
      nodes: { local: unknown; keyed: unknown; wm: { watermark: number; inputs: number[] } }[];
      sources: number[][];
    };
    this.runtime.nodes.forEach((n, i) => {
      const s = data.nodes[i];
      if (s.local !== null) n.op?.restore?.(s.local);
      if (s.keyed !== null) n.op?.backend?.restore(s.keyed);
      n.restoreWatermarks(s.wm.watermark, s.wm.inputs);
    });
    this.runtime.sources.forEach((t, i) => t.restoreState(null, data.sources[i]));
  }

  /** Builds a driver over the job defined in `env`. */
  static create(env: StreamEnvironment, options: TestDriverOptions = {}): StreamTestDriver {
    return new StreamTestDriver(env, options);
  }

  /** A named source's input. */
  input<T>(sourceName: string): TestInput<T> {
    const reader = this.readers.get(sourceName);
    const task = this.runtime.sources.find((s) => s.node.name === sourceName);
    if (reader === undefined || task === undefined) {
      throw new Error(`no source named '${sourceName}'; sources: ${[...this.readers.keys()].join(', ')}`);
    }
    const source = this.env.plan().nodes.find((n) => n.kind === 'source' && n.name === sourceName);
    const src = source?.kind === 'source' ? source.source : null;
    return new TestInput<T>(this, reader as ManualReader<T>, task as SourceTask<T>, (src === null || src === undefined ? null : lineFormatOf(src)) as LineFormat<T> | null, src as Source<T> | null);
  }

  /** Moves the watermark of one source (or, without a name, of every source) to `time`. */
  advanceWatermark(sourceOrTime: string | number, time?: number): void {
    if (typeof sourceOrTime === 'string') this.input(sourceOrTime).advanceWatermark(time!);
    else for (const name of this.readers.keys()) this.input(name).advanceWatermark(sourceOrTime);
  }

  /**
   * Moves processing time forward by `ms`: fires processing-time timers and idleness, and
   * (asyncMap) timeouts and retries, and hands on async results that have already come back.
   */
  advanceProcessingTime(ms: number): void {
    this.clock.advance(ms);
    this.runtime.advanceProcessingTime(this.clock.now());
    this.runtime.drainAsync();
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
    this.runtime.drainAsync();
    do await yieldToEventLoop();
    while (this.runtime.drainAsync());
    this.afterInput();
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
    const rt = this.runtime;
    for (let turn = 0; ; turn++) {
      rt.drainAsync();
      if (rt.asyncOutstanding === 0) break;
      if (turn >= maxTurns) {
        throw new Error(`settleAll: ${rt.asyncOutstanding} asyncMap request(s) still in flight after ${maxTurns} event-loop turns; if they wait on the manual clock, call advanceProcessingTime`);
      }
      await Promise.race([rt.whenAsyncProgress(), yieldToEventLoop()]);
    }
    this.afterInput();
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
    this.runtime.nodes[id].out.connect(capture, 0);
    return capture;
  }

  /** What a side output of a stream receives from now on. */
  sideOutput<S>(stream: DataStream<any>, tag: OutputTag<S>): TestOutput<S> {
    refuseForeign(this.env, 'sideOutput', stream);
    const capture = new Capture<S>();
    this.runtime.nodes[stream.id].sideOutput(tag.id, this.env.runtimeOptions().batchSize).connect(capture, 0);
    return capture;
  }

  metrics(): JobMetricsSnapshot {
    return this.runtime.metrics();
  }

  /** @internal after an input pushes or ends. */
  afterInput(): void {
    // Records still held by an asyncMap must come out before the operators finish.
    if (!this.closed && this.runtime.finished && !this.runtime.asyncBusy) {
      this.closed = true;
      this.runtime.finishOperators();
      this.runtime.closeOperators();
    }
  }
}

/**
 * One source of a StreamTestDriver.
 *
 * @example
 * driver.input<Click>('clicks').push(click, 1_000).advanceWatermark(60_000).end();
 */
export class TestInput<T> {
  constructor(
    private readonly driver: StreamTestDriver,
    private readonly reader: ManualReader<T>,
    private readonly task: SourceTask<T>,
    private readonly format: LineFormat<T> | null = null,
    private readonly source: Source<T> | null = null,
  ) {}

  /** Pushes one record; without a timestamp the source's timestamp assigner gives it one. */
  push(value: T, timestamp?: number): this {
    if (this.reader.ended) throw new Error('this input has ended');
    this.reader.queue.push({ value, time: timestamp ?? Number.NaN });
    this.reader.read(this.task.batch);
    this.task.deliver();
    this.driver.afterInput();
    return this;
  }

  /**
   * Pushes raw text through the source's own line format (file sources: jsonl, csv), as if read
   * from `file` (default: the source's name): a CSV header on its first line, blank lines
   * skipped, and lines that do not parse to DEAD_LETTERS with `file:line` (or failing the job
   * under badInput 'fail'). Line numbers and the header carry on across calls for the same file.
   *
   * @example
   * driver.input<Order>('orders').pushLines(['id,amount', '1,9.5', '2,oops'], { file: 'orders.csv' });
   * dead.values; // [{ operator: 'orders', position: 'orders.csv:3', reason: "column 'amount': 'oops' is not a number", raw: '2,oops' }]
   */
  pushLines(lines: readonly string[] | string, options: { readonly file?: string } = {}): this {
    if (this.reader.ended) throw new Error('this input has ended');
    const name = this.task.node.name;
    if (this.format === null) {
      throw new Error(`pushLines: source '${name}' does not read text lines; it works for file sources (sources.jsonl, sources.csv): push records with push()`);
    }
    const file = options.file ?? name;
    let feeder = this.reader.feeders.get(file);
    if (feeder === undefined) this.reader.feeders.set(file, (feeder = new LineFeeder(this.format, name, file)));
    feeder.feed(typeof lines === 'string' ? lines.split('\n') : lines, this.reader.queue, this.reader.deadLetters);
    return this.deliverQueued();
  }

  /**
   * Pushes raw Kafka messages through a `sources.kafka` source's own `value`/`key` deserializers
   * and `record` function: a message that fails goes to DEAD_LETTERS at `topic/partition@offset`
   * (or fails the job under badInput 'fail'). Offsets count on per partition from 0 unless given.
   * The source's timestamp assigner stamps the records (`timestamp` reaches `record` only).
   *
   * @example
   * driver.input<Payment>('payments').pushKafka([{ value: '{"card":"c1","amount":12}' }, { value: '{oops' }]);
   * dead.values[0].position; // 'payments.auth/0@1'
   */
  pushKafka(messages: readonly RawKafkaMessage[]): this {
    if (this.reader.ended) throw new Error('this input has ended');
    const options = this.source === null ? null : kafkaSourceOptions(this.source as Source<unknown>);
    if (options === null) {
      throw new Error(`pushKafka: source '${this.task.node.name}' is not a sources.kafka source; use pushLines for file sources and push() for records`);
    }
    this.reader.kafka ??= new KafkaFeeder<T>(options as never, this.task.node.name);
    this.reader.kafka.feed(messages, this.reader.queue, this.reader.deadLetters);
    return this.deliverQueued();
  }

  private deliverQueued(): this {
    this.reader.read(this.task.batch);
    this.task.deliver();
    this.driver.afterInput();
    return this;
  }

  pushAll(values: readonly T[]): this {
    for (const v of values) this.push(v);
    return this;
  }

  advanceWatermark(time: number): this {
    this.task.forceWatermark(0, time);
    return this;
  }

  /** No more records: this input's watermark goes to +Infinity. */
  end(): void {
    if (this.reader.ended) return;
    this.reader.ended = true;
    this.task.finish();
    this.driver.afterInput();
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

