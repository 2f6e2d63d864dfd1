import type { BadInputPolicy, DeadLetter } from '../functions/dead-letter.ts';
import type { Clock } from '../time/clock.ts';

/**
 * A batch a source reader fills: records of one split, with the timestamps the source knows
 * (Kafka record time, for instance; NaN where it has none), and input it could not read.
 * The runtime reuses one batch per source: readers overwrite it and set `length`.
 *
 * @example
 * batch.values[0] = record; batch.times[0] = Number.NaN; batch.split = 0; batch.length = 1; return 'data';
 */
export interface SourceBatch<T> {
  split: number;
  values: T[];
  times: number[];
  length: number;
  readonly deadLetters: DeadLetter[];
}

/**
 * What a reader says after `read`: it filled the batch, has nothing right now, or is finished.
 *
 * @example
 * return this.done ? 'end' : 'data';
 */
export type ReadStatus = 'data' | 'idle' | 'end';

/**
 * What a reader gets from the runtime.
 *
 * @example
 * createReader: (ctx) => new MyReader(ctx.batchSize, ctx.clock),
 */
export interface SourceReaderContext {
  readonly operatorName: string;
  readonly clock: Clock;
  /** Largest number of records to put in one batch. */
  readonly batchSize: number;
  readonly badInput: BadInputPolicy;
}

/**
 * Reads one source. A source is divided into splits (files of a directory, partitions of a topic),
 * each with its own watermark. `read` may return a promise: that is where I/O waits. A read with
 * nothing to hand out settles soon (within tens of milliseconds) with 'idle' rather than waiting
 * for data, so that a cancel or a checkpoint never waits for a quiet source.
 * `position`/`seek` give a replayable position (for checkpoints).
 *
 * @example
 * const reader = sources.jsonl('in.jsonl').createReader(ctx);
 * await reader.open();
 * while ((await reader.read(batch)) !== 'end') { ... }
 */
export interface SourceReader<T> {
  open(): Promise<void>;
  read(batch: SourceBatch<T>): ReadStatus | Promise<ReadStatus>;
  splitCount(): number;
  splitName(split: number): string;
  isSplitFinished(split: number): boolean;
  /**
   * Optional: how many records of the split are not read yet (Kafka: high watermark minus the
   * position), for the `eddy_source_lag_records` metric and the dashboard; null when unknown.
   * Called a few times a second at most, between batches; it must not do I/O (keep a figure the
   * reader learns anyway when it fetches).
   */
  splitLag?(split: number): number | null;
  /**
   * Optional: the split has caught up with its end (Kafka: the partition's high watermark) and
   * counts as idle for watermarks until its next record. A reader reports a change by returning
   * an empty 'data' batch for that split.
   */
  isSplitCaughtUp?(split: number): boolean;
  /** Optional: the checkpoint holding `position` (this reader's) has completed. */
  notifyCheckpointComplete?(checkpointId: number, position: unknown): void;
  /**
   * Optional: where record `index` of the batch this reader filled last came from, as people
   * read it (`file:line`, `topic/partition@offset`), for a dead letter or an error about that
   * record. Asked only when a record goes wrong, before the next `read`: keep a number per batch
   * slot (a line, an offset) and build the text here, never per record. Without it, errors name
   * the split and the record's place in its batch.
   */
  positionOf?(index: number): string;
  /** A JSON-serializable position from which `seek` resumes exactly after the last record read. */
  position(): unknown;
  seek(position: unknown): void;
  close(): Promise<void>;
}

/**
 * A source of records: a factory of readers, described for `explain`.
 *
 * @example
 * env.fromSource(sources.jsonl<Click>('clicks.jsonl'), WatermarkStrategy.forMonotonousTimestamps(), 'clicks');
 */
export interface Source<T> {
  readonly kind: string;
  readonly bounded: boolean;
  describe(): string;
  createReader(ctx: SourceReaderContext): SourceReader<T>;
}
