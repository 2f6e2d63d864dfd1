import { generatorSource } from '../generator/generator-source.ts';
import type { ReadStatus, Source, SourceBatch, SourceReader } from '../source.ts';
import { nexmarkConfig, type NexmarkOptions } from './config.ts';
import { nexmarkEvent } from './generator.ts';
import type { NexmarkEvent } from './model.ts';

/**
 * Options of the Nexmark source: how many events, how fast, in how many splits, plus any
 * generator option (`firstEventRate`, `outOfOrderGroupSize`, `baseTime`, ...; see NexmarkOptions).
 *
 * @example
 * const options: NexmarkSourceOptions = { events: 1_000_000, firstEventRate: 100_000, outOfOrderGroupSize: 50, splits: 2 };
 */
export interface NexmarkSourceOptions extends Partial<NexmarkOptions> {
  /** How many events in all (events firstEvent .. firstEvent + events - 1); unbounded when omitted. */
  readonly events?: number;
  /**
   * Number of the first event (default 0): the stream starts part-way through the generator's,
   * so event n of this source is the generator's event firstEvent + n. Checkpoint positions count
   * from it, so a restored job must keep the same firstEvent.
   */
  readonly firstEvent?: number;
  /** Events per second of processing time over all splits; as fast as possible when omitted. */
  readonly rate?: number;
  /** Event n goes to split n % splits, each with its own watermark. Default 1. */
  readonly splits?: number;
}

/**
 * The Nexmark event stream as an Eddy source. Each record's source timestamp is its event time
 * (the generator's `dateTime`), so a watermark strategy needs no timestamp assigner; the position
 * is the next event number of each split, so a restored job replays exactly what came after it.
 * Flink's Nexmark DDL declares `dateTime - 4 s` as its watermark: `forBoundedOutOfOrderness(4_000)`.
 * No event is late for a bound of at least the shuffle's span, the event time of
 * `outOfOrderGroupSize - 1` events: `(outOfOrderGroupSize - 1) * numEventGenerators * 1000 / firstEventRate` ms, rounded up.
 *
 * @example
 * const events = env.fromSource(sources.nexmark({ events: 10_000_000, outOfOrderGroupSize: 50 }),
 *   WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4_000), 'nexmark');
 * events.filter((e) => e.type === NexmarkEventType.bid).sinkTo(sinks.collect());
 */
export function nexmarkSource(options: NexmarkSourceOptions = {}): Source<NexmarkEvent> {
  const { events, rate, splits = 1, firstEvent = 0, ...generatorOptions } = options;
  if (!Number.isSafeInteger(firstEvent) || firstEvent < 0) {
    throw new Error(`sources.nexmark: "firstEvent" must be an integer >= 0; got ${firstEvent}.`);
  }
  if (events !== undefined && (!Number.isSafeInteger(events) || events < 0)) {
    throw new Error(`sources.nexmark: "events" must be an integer >= 0 (or omitted for an unbounded stream); got ${events}.`);
  }
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) {
    throw new Error(`sources.nexmark: "rate" must be a positive number of events per second; got ${rate}.`);
  }
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`sources.nexmark: "splits" must be an integer >= 1; got ${splits}.`);
  const config = nexmarkConfig(generatorOptions);
  const numbers = generatorSource<NexmarkEvent>({
    count: events,
    ratePerSecond: rate,
    splits,
    generate: firstEvent === 0 ? (n) => nexmarkEvent(config, n) : (n) => nexmarkEvent(config, firstEvent + n),
  });
  return {
    kind: 'nexmark',
    bounded: events !== undefined,
    describe: () => `nexmark(${events ?? 'unbounded'} events${firstEvent ? ` from event ${firstEvent}` : ''}${rate ? ` at ${rate}/s` : ''}, ${config.firstEventRate} events/s of event time, `
      + `out-of-order groups of ${config.outOfOrderGroupSize}, ${splits} splits)`,
    createReader: (ctx) => new NexmarkReader(numbers.createReader(ctx), firstEvent),
  };
}

/**
 * The generator source's reader (positions, splits, rate limit) over event numbers, stamping
 * each record with its event time.
 */
class NexmarkReader implements SourceReader<NexmarkEvent> {
  private readonly stamp = (status: ReadStatus, batch: SourceBatch<NexmarkEvent>): ReadStatus => {
    const values = batch.values;
    const times = batch.times;
    for (let i = 0, n = batch.length; i < n; i++) times[i] = eventTime(values[i]);
    return status;
  };

  constructor(private readonly numbers: SourceReader<NexmarkEvent>, private readonly firstEvent: number) {}

  open(): Promise<void> {
    return this.numbers.open();
  }
  read(batch: SourceBatch<NexmarkEvent>): ReadStatus | Promise<ReadStatus> {
    const status = this.numbers.read(batch);
    return typeof status === 'string' ? this.stamp(status, batch) : status.then((s) => this.stamp(s, batch));
  }
  splitCount(): number {
    return this.numbers.splitCount();
  }
  splitName(split: number): string {
    return `nexmark[${split}]`;
  }
  isSplitFinished(split: number): boolean {
    return this.numbers.isSplitFinished(split);
  }
  /** `nexmark#17`: the generator's event number (the generator reader says `generator#<n>`, n counted from firstEvent). */
  positionOf(index: number): string {
    const n = Number(this.numbers.positionOf!(index).slice('generator#'.length));
    return `nexmark#${this.firstEvent + n}`;
  }
  /** The next event number of each split. */
  position(): unknown {
    return this.numbers.position();
  }
  seek(position: unknown): void {
    const splits = this.numbers.splitCount();
    if (!Array.isArray(position) || position.length !== splits
      || !position.every((n, s) => Number.isSafeInteger(n) && n >= 0 && n % splits === s)) {
      throw new Error(`sources.nexmark: cannot resume from ${JSON.stringify(position)}: expected the next event number of each of `
        + `the ${splits} splits (split s holds events s, s + ${splits}, ...). Was the job's "splits" changed?`);
    }
    this.numbers.seek(position);
  }
  close(): Promise<void> {
    return this.numbers.close();
  }
}

function eventTime(e: NexmarkEvent): number {
  return e.type === 2 ? e.bid.dateTime : e.type === 1 ? e.auction.dateTime : e.person.dateTime;
}
