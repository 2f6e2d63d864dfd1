import type { ReadStatus, Source, SourceBatch, SourceReader, SourceReaderContext } from '../source.ts';

/**
 * Options of the generator source.
 *
 * @example
 * sources.generator({ count: 1_000, ratePerSecond: 100, splits: 2, generate: (i) => ({ id: i }) });
 */
export interface GeneratorOptions<T> {
  /** Makes record number `index` (0, 1, 2, ...). Must be a pure function of its index: replays depend on it. */
  readonly generate: (index: number) => T;
  /** How many records in all; unbounded when omitted. */
  readonly count?: number;
  /** Records per second over all splits; as fast as possible when omitted. */
  readonly ratePerSecond?: number;
  /** Number of splits (record i goes to split i % splits), each with its own watermark. Default 1. */
  readonly splits?: number;
}

/**
 * Deterministic records from a function of their index: replayable from any position, optionally
 * rate-limited by the injected clock.
 *
 * @example
 * sources.generator({ count: 1_000_000, generate: (i) => ({ user: `u${i % 100}`, ts: i * 10 }) });
 */
export function generatorSource<T>(options: GeneratorOptions<T>): Source<T> {
  const splits = options.splits ?? 1;
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`generator splits must be an integer >= 1, got ${splits}`);
  if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 0)) {
    throw new Error(`generator count must be an integer >= 0, got ${options.count}`);
  }
  if (options.ratePerSecond !== undefined && !(options.ratePerSecond > 0)) {
    throw new Error(`generator ratePerSecond must be > 0, got ${options.ratePerSecond}`);
  }
  return {
    kind: 'generator',
    bounded: options.count !== undefined,
    describe: () => `generator(${options.count ?? 'unbounded'} records${options.ratePerSecond ? ` at ${options.ratePerSecond}/s` : ''}, ${splits} splits)`,
    createReader: (ctx) => new GeneratorReader(options, splits, ctx),
  };
}

/** Longest a read waits for the next record of a rate-limited generator (the step loop's idle poll). */
const MAX_WAIT_MS = 50;

class GeneratorReader<T> implements SourceReader<T> {
  /** Next index of each split (split s produces s, s + splits, s + 2 * splits, ...). */
  private next: number[];
  private turn = 0;
  private startedAt = 0;
  /** Index of the first record of the last batch (for positionOf). */
  private batchFirst = 0;
  /** Records produced before this reader started (a restore seeks past them): the rate counts from there. */
  private base = 0;
  private readonly limit: number;

  constructor(private readonly options: GeneratorOptions<T>, private readonly splits: number, private readonly ctx: SourceReaderContext) {
    this.next = Array.from({ length: splits }, (_, s) => s);
    this.limit = options.count ?? Number.POSITIVE_INFINITY;
  }

  async open(): Promise<void> {
    this.startedAt = this.ctx.clock.now();
  }

  read(batch: SourceBatch<T>): ReadStatus | Promise<ReadStatus> {
    let s = -1;
    for (let k = 0; k < this.splits; k++) {
      const c = (this.turn + k) % this.splits;
      if (this.next[c] < this.limit) {
        s = c;
        break;
      }
    }
    if (s < 0) {
      batch.length = 0;
      return 'end';
    }
    this.turn = (s + 1) % this.splits;
    let n = this.ctx.batchSize;
    const rate = this.options.ratePerSecond;
    if (rate !== undefined) {
      const allowed = Math.floor(((this.ctx.clock.now() - this.startedAt) * rate) / 1000);
      const produced = this.produced() - this.base;
      if (produced >= allowed) {
        const wait = ((produced + 1) * 1000) / rate - (this.ctx.clock.now() - this.startedAt);
        // At a slow rate the next record may be seconds away: say 'idle' rather than wait for
        // it, so that a cancel or a checkpoint is not held up (the step loop polls again soon).
        if (wait > MAX_WAIT_MS) {
          batch.length = 0;
          return 'idle';
        }
        return this.ctx.clock.sleep(Math.max(1, wait)).then(() => this.read(batch));
      }
      n = Math.min(n, Math.max(1, Math.ceil((allowed - produced) / this.splits)));
    }
    const generate = this.options.generate;
    let i = this.next[s];
    let len = 0;
    while (len < n && i < this.limit) {
      batch.values[len] = generate(i);
      batch.times[len] = Number.NaN;
      len++;
      i += this.splits;
    }
    this.batchFirst = this.next[s];
    this.next[s] = i;
    batch.split = s;
    batch.length = len;
    return 'data';
  }

  /** `generator#17`: the record's index, which `generate` made it from. */
  positionOf(index: number): string {
    return `generator#${this.batchFirst + index * this.splits}`;
  }

  private produced(): number {
    let total = 0;
    for (let s = 0; s < this.splits; s++) total += Math.ceil(Math.max(0, this.next[s] - s) / this.splits);
    return total;
  }

  splitCount(): number {
    return this.splits;
  }
  splitName(split: number): string {
    return `generator[${split}]`;
  }
  isSplitFinished(split: number): boolean {
    return this.next[split] >= this.limit;
  }
  position(): unknown {
    return [...this.next];
  }
  seek(position: unknown): void {
    this.next = [...(position as number[])];
    this.base = this.produced();
  }
  async close(): Promise<void> {}
}
