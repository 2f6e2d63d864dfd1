import { type BadInputPolicy, DEAD_LETTERS, type DeadLetter } from '../functions/dead-letter.ts';
import type { SourceBatch, SourceReader } from '../connectors/source.ts';
import { nextBusyRound } from '../metrics/busy-time.ts';
import type { SourceMetrics, SplitMetrics } from '../metrics/operator-metrics.ts';
import type { WatermarkGenerator } from '../time/watermark-generator.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { OperatorError } from './operator-error.ts';
import type { RuntimeNode } from './runtime-node.ts';

/**
 * Drives one source: stamps each batch with timestamps, keeps a watermark per split (merged by
 * min over splits that are neither idle nor finished), routes unreadable input to the dead-letter
 * output, and marks the source idle when all its live splits are.
 */
export class SourceTask<T> {
  readonly batch: SourceBatch<T> = { split: 0, values: [], times: [], length: 0, deadLetters: [] };
  finished = false;
  private readonly generators: WatermarkGenerator<T>[] = [];
  private readonly splitWms: number[] = [];
  private readonly lastActive: number[] = [];
  private readonly splitIdle: boolean[] = [];
  private readPending = false;
  private positionBeforeRead: unknown = undefined;
  private loggedDeadLetters = 0;

  constructor(
    readonly node: RuntimeNode,
    readonly reader: SourceReader<T>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly badInput: BadInputPolicy,
    private readonly log: (line: string) => void,
  ) {}

  /** Pushes the batch the reader just filled through the graph, then the new watermark. */
  deliver(): void {
    const b = this.batch;
    const now = this.node.clock.now();
    nextBusyRound();
    if (this.node.latency !== null) this.node.latency.ingestedAt = now;
    if (b.deadLetters.length > 0) this.deadLetters(b.deadLetters, now);
    const split = b.split;
    this.ensureSplit(split, now);
    this.lastActive[split] = now;
    if (b.length === 0) {
      // A reader that knows when a split has caught up says so with an empty batch.
      if (this.reader.isSplitCaughtUp !== undefined) this.updateWatermark();
      return;
    }
    const gen = this.generators[split];
    const assign = this.strategy.timestampAssigner;
    const values = b.values;
    const times = b.times;
    const n = b.length;
    if (assign !== null) {
      for (let i = 0; i < n; i++) {
        const ts = assign(values[i], times[i]);
        times[i] = ts;
        gen.onEvent(values[i], ts);
      }
    } else if (this.strategy.timestampKind === 'ingestion') {
      for (let i = 0; i < n; i++) {
        times[i] = now;
        gen.onEvent(values[i], now);
      }
    } else {
      // The source's own timestamps (NaN where it has none: event-time operators will say so).
      for (let i = 0; i < n; i++) gen.onEvent(values[i], times[i]);
    }
    try {
      this.node.receive(b as never, 0);
    } catch (e) {
      const err = OperatorError.wrap(this.node.name, e);
      throw err.withPosition(`${this.reader.splitName(split)} (batch of ${n} records ending at ${JSON.stringify(this.reader.position())})`);
    }
    const wm = gen.currentWatermark();
    if (wm > this.splitWms[split]) this.splitWms[split] = wm;
    if (this.splitIdle[split]) this.splitIdle[split] = false;
    this.updateWatermark();
    // What processing-time timers emit later was not caused by this batch: no ingestion latency for it.
    if (this.node.latency !== null) this.node.latency.ingestedAt = Number.NaN;
  }

  /** Each split's watermark, idleness and lag, and the split holding the source's watermark back. */
  splitMetrics(): SourceMetrics {
    const splits: SplitMetrics[] = [];
    let holdingBack: number | null = null;
    for (let s = 0; s < this.splitWms.length; s++) {
      const finished = this.reader.isSplitFinished(s);
      // Idle by time, or (Kafka) caught up with its end: either way it holds nothing back.
      const idle = this.splitIdle[s] || this.reader.isSplitCaughtUp?.(s) === true;
      splits.push({ split: s, name: this.reader.splitName(s), watermark: this.splitWms[s], idle, finished, lag: this.reader.splitLag?.(s) ?? null });
      if (!idle && !finished && !this.finished && (holdingBack === null || this.splitWms[s] < this.splitWms[holdingBack])) holdingBack = s;
    }
    return { id: this.node.id, name: this.node.name, watermark: this.node.metrics.watermark, splits, holdingBack };
  }

  /** Marks splits idle that have had no records for the strategy's idleness timeout. */
  checkIdleness(now: number): void {
    const timeout = this.strategy.idlenessMs;
    if (timeout === null || this.finished) return;
    let changed = false;
    for (let s = 0; s < this.splitWms.length; s++) {
      if (!this.splitIdle[s] && now - this.lastActive[s] >= timeout) {
        this.splitIdle[s] = true;
        changed = true;
      }
    }
    if (changed) this.updateWatermark();
  }

  /** When the idleness check should run next (+Infinity if never). */
  nextIdleCheck(): number {
    const timeout = this.strategy.idlenessMs;
    if (timeout === null || this.finished) return Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    for (let s = 0; s < this.lastActive.length; s++) {
      if (!this.splitIdle[s]) next = Math.min(next, this.lastActive[s] + timeout);
    }
    return next;
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
    return { position, splitWatermarks: [...this.splitWms], finished: this.finished };
  }

  /** Rewinds to a checkpointed position; call before the first read. */
  restoreState(position: unknown, splitWatermarks: readonly number[]): void {
    this.reader.seek(position);
    const now = this.node.clock.now();
    splitWatermarks.forEach((wm, s) => {
      this.ensureSplit(s, now);
      this.splitWms[s] = wm;
    });
  }

  /** Sets a split's watermark by hand (the test driver's `advanceWatermark`). */
  forceWatermark(split: number, wm: number): void {
    this.ensureSplit(split, this.node.clock.now());
    if (wm > this.splitWms[split]) this.splitWms[split] = wm;
    this.splitIdle[split] = false;
    this.updateWatermark();
  }

  private ensureSplit(split: number, now: number): void {
    while (this.generators.length <= split) {
      this.generators.push(this.strategy.createGenerator());
      this.splitWms.push(Number.NEGATIVE_INFINITY);
      this.lastActive.push(now);
      this.splitIdle.push(false);
    }
  }

  private updateWatermark(): void {
    let min = Number.POSITIVE_INFINITY;
    let live = 0;
    for (let s = 0; s < this.splitWms.length; s++) {
      if (this.splitIdle[s] || this.reader.isSplitFinished(s) || this.reader.isSplitCaughtUp?.(s) === true) continue;
      live++;
      if (this.splitWms[s] < min) min = this.splitWms[s];
    }
    if (live === 0) {
      // Every split is idle (or done while others are idle): stop holding back downstream time.
      if (this.splitWms.length > 0 && !this.finished) this.node.setSourceIdle(true);
      return;
    }
    this.node.setSourceIdle(false);
    if (min > this.node.currentWatermark()) this.node.advanceTo(min);
  }

  private deadLetters(letters: DeadLetter[], now: number): void {
    for (const dl of letters) {
      this.node.metrics.deadLetters++;
      this.node.sample('dead-letter', dl.raw, Number.NaN, `${dl.reason} at ${dl.position}`);
      const message = `${dl.operator}: ${dl.reason} at ${dl.position}`;
      if (this.badInput === 'fail') throw new OperatorError(this.node.name, new Error(`${message} (bad input policy is 'fail'; use 'dead-letter' to skip such input)`), dl.position);
      const side = this.node.sideOuts.get(DEAD_LETTERS.id);
      if (side !== undefined && side.connected) side.emit(dl, now);
      else if (this.loggedDeadLetters++ < 10) this.log(`dead letter: ${message}; raw: ${dl.raw.slice(0, 200)}`);
    }
    letters.length = 0;
    this.node.flushOutputs();
  }
}
