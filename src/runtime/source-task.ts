import { type BadInputPolicy, type DeadLetter } from '../functions/dead-letter.ts';
import type { SourceBatch, SourceReader } from '../connectors/source.ts';
import { nextBusyRound } from '../metrics/busy-time.ts';
import type { SourceMetrics, SplitMetrics } from '../metrics/operator-metrics.ts';
import { previewValue } from '../metrics/sample-ring.ts';
import type { Clock } from '../time/clock.ts';
import { describeNonTime } from '../time/event-time-check.ts';
import type { WatermarkGenerator } from '../time/watermark-generator.ts';
import { WatermarkMerge } from '../time/watermark-merge.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Batch } from './batch.ts';
import { OperatorError } from './operator-error.ts';
import { RecordLocator } from './record-locator.ts';

/** What a source task needs of the node it feeds (RuntimeNode is one). */
export interface SourceOutput {
  readonly id: number;
  readonly name: string;
  readonly clock: Clock;
  /** What the node reports as its watermark. */
  readonly metrics: { readonly watermark: number };
  /** Hands a batch of stamped records to the graph. */
  receive(batch: Batch<unknown>, input: number): void;
  currentWatermark(): number;
  /** Moves the source's watermark forward and passes it on. */
  advanceTo(watermark: number): void;
  setSourceIdle(idle: boolean): void;
  /** Puts back a checkpointed watermark before anything flows. */
  restoreWatermarks(watermark: number, inputs: readonly number[]): void;
  /**
   * Counts a dead letter (and keeps a sample) and, with `emit`, hands it to DEAD_LETTERS; false
   * when nothing reads that output.
   */
  deadLetter(letter: DeadLetter, now: number, emit: boolean): boolean;
  /** When the batch now being delivered was read (for latency); NaN once it has gone through. */
  markIngested(now: number): void;
  flushOutputs(): void;
}

/**
 * Drives one source: stamps each batch with timestamps (a record whose event time is not a
 * finite number goes to dead letters at its position), keeps a watermark per split (merged by
 * min over splits that are neither idle nor finished), routes unreadable input to the dead-letter
 * output, and marks the source idle when all its live splits are.
 */
export class SourceTask<T> {
  readonly batch: SourceBatch<T> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  finished = false;
  private readonly generators: WatermarkGenerator<T>[] = [];
  private readonly splits: WatermarkMerge;
  private readonly ingestion: boolean;
  private readPending = false;
  private positionBeforeRead: unknown = undefined;
  private loggedDeadLetters = 0;
  private readonly where: RecordLocator<T>;
  private readonly skipSplit = (s: number): boolean => this.reader.isSplitFinished(s) || this.reader.isSplitCaughtUp?.(s) === true;

  constructor(
    readonly node: SourceOutput,
    readonly reader: SourceReader<T>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly badInput: BadInputPolicy,
    private readonly log: (line: string) => void,
  ) {
    this.splits = new WatermarkMerge(0, strategy.idlenessMs);
    this.ingestion = strategy.timestampAssigner === null && strategy.timestampKind === 'ingestion';
    this.where = new RecordLocator(reader, this.batch);
  }

  /**
   * The job starts: idleness timers start now, for a source that has not sent anything yet too,
   * so that a silent source stops holding event time back after the timeout (as in Flink).
   */
  start(): void {
    this.addSplits(1, this.node.clock.now());
  }

  /** Pushes the batch the reader just filled through the graph, then the new watermark. */
  deliver(): void {
    const b = this.batch;
    const node = this.node;
    const now = node.clock.now();
    nextBusyRound();
    node.markIngested(now);
    this.where.delivering();
    if (b.deadLetters.length > 0) this.deadLetters(b.deadLetters, now);
    const split = b.split;
    if (split >= this.splits.size) this.addSplits(split + 1, now);
    this.splits.touch(split, now);
    if (b.length === 0) {
      // A reader that knows when a split has caught up says so with an empty batch.
      if (this.reader.isSplitCaughtUp !== undefined) this.updateWatermark();
      return;
    }
    const gen = this.generators[split];
    this.stamp(b, gen, now);
    if (b.deadLetters.length > 0) this.deadLetters(b.deadLetters, now);
    if (b.length > 0) {
      try {
        node.receive(b as Batch<unknown>, 0);
      } catch (e) {
        throw this.where.locate(OperatorError.wrap(node.name, e));
      }
    }
    this.splits.raise(split, gen.currentWatermark());
    this.splits.setIdle(split, false);
    this.updateWatermark();
    // What processing-time timers emit later was not caused by this batch: no ingestion latency for it.
    node.markIngested(Number.NaN);
  }

  /**
   * Gives each record its event time and shows it to the split's watermark generator. Cheap
   * when every timestamp is good: one check per record, and the slow path only from the first
   * bad one on.
   */
  private stamp(b: SourceBatch<T>, gen: WatermarkGenerator<T>, now: number): void {
    const assign = this.strategy.timestampAssigner;
    const values = b.values;
    const times = b.times;
    const n = b.length;
    let i = 0;
    try {
      if (assign !== null) {
        for (; i < n; i++) {
          const ts = assign(values[i], times[i]);
          if (!Number.isFinite(ts)) return this.stampRest(b, gen, i, ts);
          times[i] = ts;
          gen.onEvent(values[i], ts);
        }
      } else if (this.ingestion) {
        for (; i < n; i++) {
          times[i] = now;
          gen.onEvent(values[i], now);
        }
      } else {
        // The source's own timestamps: NaN where it has none (event-time operators say so if
        // they need one), and nothing else that is not a finite number.
        for (; i < n; i++) {
          const ts = times[i];
          if (!Number.isFinite(ts) && ts === ts) return this.stampRest(b, gen, i, ts);
          gen.onEvent(values[i], ts);
        }
      }
    } catch (e) {
      throw this.stampFailed(e, i);
    }
  }

  /** From the first record with a bad timestamp on: sends those to dead letters, closes the gaps. */
  private stampRest(b: SourceBatch<T>, gen: WatermarkGenerator<T>, start: number, firstTs: number): void {
    const assign = this.strategy.timestampAssigner;
    const values = b.values;
    const times = b.times;
    const n = b.length;
    const slots: number[] = [];
    for (let k = 0; k < start; k++) slots.push(k);
    let w = start;
    let r = start;
    try {
      for (; r < n; r++) {
        const v = values[r];
        const ts = r === start ? firstTs : assign !== null ? assign(v, times[r]) : times[r];
        const ok = Number.isFinite(ts) || (assign === null && Number.isNaN(ts));
        if (!ok) {
          b.deadLetters.push(this.badTimestamp(r, v, ts, assign !== null));
          continue;
        }
        values[w] = v;
        times[w] = ts;
        slots.push(r);
        w++;
        gen.onEvent(v, ts);
      }
    } catch (e) {
      throw this.stampFailed(e, r);
    }
    b.length = w;
    this.where.compacted(slots);
  }

  private badTimestamp(slot: number, value: T, ts: unknown, assigned: boolean): DeadLetter {
    const source = `source '${this.node.name}'`;
    const what = assigned
      ? `the timestamp assigner of ${source} returned ${describeNonTime(ts)}; expected a finite number of epoch milliseconds`
      : `${source} read the record with the timestamp ${describeNonTime(ts)}; expected a finite number of epoch milliseconds (or NaN for none)`;
    return { operator: this.node.name, position: this.where.positionOf(slot), reason: what, raw: previewValue(value) };
  }

  /** A timestamp assigner or watermark generator threw: fail with the record it threw on. */
  private stampFailed(e: unknown, slot: number): OperatorError {
    if (e instanceof OperatorError) return e;
    return new OperatorError(this.node.name, e, this.where.positionOf(slot));
  }

  /** Each split's watermark, idleness and lag, and the split holding the source's watermark back. */
  splitMetrics(): SourceMetrics {
    const splitList: SplitMetrics[] = [];
    let holdingBack: number | null = null;
    const m = this.splits;
    for (let s = 0; s < m.size; s++) {
      const finished = this.reader.isSplitFinished(s);
      // Idle by time, or (Kafka) caught up with its end: either way it holds nothing back.
      const idle = m.isIdle(s) || this.reader.isSplitCaughtUp?.(s) === true;
      const wm = m.watermarkOf(s);
      splitList.push({ split: s, name: this.reader.splitName(s), watermark: wm, idle, finished, lag: this.reader.splitLag?.(s) ?? null });
      if (!idle && !finished && !this.finished && (holdingBack === null || wm < m.watermarkOf(holdingBack))) holdingBack = s;
    }
    return { id: this.node.id, name: this.node.name, watermark: this.node.metrics.watermark, splits: splitList, holdingBack };
  }

  /** Marks splits idle that have had no records for the strategy's idleness timeout. */
  checkIdleness(now: number): void {
    if (this.strategy.idlenessMs === null || this.finished) return;
    if (this.splits.expire(now)) this.updateWatermark();
  }

  /** When the idleness check should run next (+Infinity if never). */
  nextIdleCheck(): number {
    if (this.strategy.idlenessMs === null || this.finished) return Number.POSITIVE_INFINITY;
    return this.splits.nextExpiry();
  }

  /** The input has ended: event time jumps to +Infinity, which fires every window and timer. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.node.setSourceIdle(false);
    this.node.advanceTo(Number.POSITIVE_INFINITY);
  }

  /**
   * A read is in flight: a checkpoint taken now must record the position from before it, since
   * the reader may move its position before the read completes (a fetch that lands in one
   * callback and finishes in another), and nothing of that read has been delivered yet.
   */
  readStarted(positionBefore: unknown): void {
    this.readPending = true;
    this.positionBeforeRead = positionBefore;
  }

  /** The read in flight has completed and its batch is being delivered (or it had none). */
  readSettled(): void {
    this.readPending = false;
    this.positionBeforeRead = undefined;
  }

  /** Position and watermarks, for checkpoints (taken between batches). */
  snapshotState(): { position: unknown; splitWatermarks: number[]; finished: boolean } {
    const position = this.readPending ? this.positionBeforeRead : this.reader.position();
    return { position, splitWatermarks: this.splits.watermarks(), finished: this.finished };
  }

  /** Rewinds to a checkpointed position; call before the first read. */
  restoreState(position: unknown, splitWatermarks: readonly number[]): void {
    this.reader.seek(position);
    this.addSplits(splitWatermarks.length, this.node.clock.now());
    splitWatermarks.forEach((wm, s) => this.splits.raise(s, wm));
  }

  /** Sets a split's watermark by hand (the test driver's `advanceWatermark`). */
  forceWatermark(split: number, wm: number): void {
    this.addSplits(split + 1, this.node.clock.now());
    this.splits.raise(split, wm);
    this.splits.setIdle(split, false);
    this.updateWatermark();
  }

  private addSplits(count: number, now: number): void {
    while (this.generators.length < count) this.generators.push(this.strategy.createGenerator());
    this.splits.grow(count, now);
  }

  private updateWatermark(): void {
    const min = this.splits.merge(this.skipSplit);
    if (this.splits.live === 0) {
      // Every split is idle (or done while others are idle): stop holding back downstream time.
      if (this.splits.size > 0 && !this.finished) this.node.setSourceIdle(true);
      return;
    }
    this.node.setSourceIdle(false);
    if (min > this.node.currentWatermark()) this.node.advanceTo(min);
  }

  private deadLetters(letters: DeadLetter[], now: number): void {
    for (const dl of letters) {
      const message = `${dl.operator}: ${dl.reason} at ${dl.position}`;
      const fail = this.badInput === 'fail';
      const consumed = this.node.deadLetter(dl, now, !fail);
      if (fail) {
        letters.length = 0;
        throw new OperatorError(this.node.name, new Error(`${message} (bad input policy is 'fail'; use 'dead-letter' to skip such input)`), dl.position);
      }
      if (!consumed && this.loggedDeadLetters++ < 10) this.log(`dead letter: ${message}; raw: ${dl.raw.slice(0, 200)}`);
    }
    letters.length = 0;
    this.node.flushOutputs();
  }
}
