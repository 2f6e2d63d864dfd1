import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ReadStatus, SourceBatch, SourceReader, SourceReaderContext } from '../source.ts';
import type { LineFormat, LineSource } from './line-format.ts';
import { LineReader } from './line-reader.ts';

/** Where a file source is: file index, byte offset, line number and (for CSV) the header. */
interface FilePosition {
  file: number;
  offset: number;
  line: number;
  header: unknown;
}

/** Options shared by the file sources. */
export interface FileSourceOptions {
  /** For a directory: which file names to read (default: every file not starting with '.'). */
  readonly match?: RegExp;
}

/**
 * Reads one file, or every matching file of a directory in name order, line by line. Each file
 * is a split; a directory's files are read one after the other, so name them in time order.
 * A line that cannot be parsed becomes a dead letter at `file:line`.
 *
 * @example
 * fileSource('logs/', { kind: 'jsonl', hasHeader: false, parse: JSON.parse });
 */
export function fileSource<T>(path: string, format: LineFormat<T>, options: FileSourceOptions = {}): LineSource<T> {
  return {
    kind: format.kind,
    bounded: true,
    describe: () => `${format.kind}(${path})`,
    createReader: (ctx) => new FileReader(path, format, options, ctx),
    lineFormat: format,
  };
}

class FileReader<T> implements SourceReader<T> {
  private files: string[] = [];
  private pos: FilePosition = { file: 0, offset: 0, line: 0, header: undefined };
  private lines: LineReader | null = null;
  /** Line number of each record of the last batch, and that batch's file (for positionOf). */
  private readonly slotLines: number[] = [];
  private batchFile = 0;

  constructor(
    private readonly path: string,
    private readonly format: LineFormat<T>,
    private readonly options: FileSourceOptions,
    private readonly ctx: SourceReaderContext,
  ) {}

  async open(): Promise<void> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      throw new Error(`source '${this.ctx.operatorName}': ${this.path} does not exist`);
    }
    if (info.isDirectory()) {
      const match = this.options.match;
      const names = (await readdir(this.path)).filter((n) => !n.startsWith('.') && (match === undefined || match.test(n))).sort();
      this.files = names.map((n) => join(this.path, n));
    } else {
      this.files = [this.path];
    }
  }

  /**
   * Fills the batch completely (a batch ends early only at the end of a file), so batch
   * boundaries, and with them watermarks, do not depend on how the disk returns data: a replay
   * from a checkpointed position sees the same batches as the first run.
   */
  read(batch: SourceBatch<T>): ReadStatus | Promise<ReadStatus> {
    batch.length = 0;
    const lines = this.lines;
    if (lines !== null && lines.hasLine()) {
      this.take(batch);
      if (batch.length === this.ctx.batchSize) return 'data';
      if (lines.done && (batch.length > 0 || batch.deadLetters.length > 0)) return 'data';
    }
    return this.readSlow(batch);
  }

  private async readSlow(batch: SourceBatch<T>): Promise<ReadStatus> {
    for (;;) {
      if (this.pos.file >= this.files.length) return batch.length > 0 || batch.deadLetters.length > 0 ? 'data' : 'end';
      if (this.lines === null) {
        this.lines = new LineReader(this.files[this.pos.file], this.pos.offset, this.pos.line);
        await this.lines.open();
      }
      if (!this.lines.hasLine()) await this.lines.fill();
      this.take(batch);
      if (batch.length === this.ctx.batchSize) return 'data';
      if (this.lines.done) {
        // A batch holds one split: the next file starts the next batch.
        if (batch.length > 0 || batch.deadLetters.length > 0) return 'data';
        await this.lines.close();
        this.lines = null;
        this.pos = { file: this.pos.file + 1, offset: 0, line: 0, header: undefined };
      }
    }
  }

  /** Parses buffered lines into the batch after what it holds, up to its size. */
  private take(batch: SourceBatch<T>): void {
    const lines = this.lines!;
    const format = this.format;
    const file = this.files[this.pos.file];
    const max = this.ctx.batchSize;
    let n = batch.length;
    while (n < max && lines.hasLine()) {
      const text = lines.nextLine();
      const lineNo = lines.line;
      if (format.hasHeader && lineNo === 1) {
        try {
          this.pos.header = format.header!(text);
        } catch (e) {
          throw new Error(`source '${this.ctx.operatorName}': bad header at ${file}:1: ${(e as Error).message}`);
        }
        continue;
      }
      if (text.length === 0 || (text.length < 8 && text.trim().length === 0)) continue;
      try {
        batch.values[n] = format.parse(text, this.pos.header);
        batch.times[n] = Number.NaN;
        this.slotLines[n] = lineNo;
        n++;
      } catch (e) {
        batch.deadLetters.push({ operator: this.ctx.operatorName, position: `${file}:${lineNo}`, reason: (e as Error).message, raw: text });
      }
    }
    this.pos.offset = lines.offset;
    this.pos.line = lines.line;
    batch.split = this.pos.file;
    batch.length = n;
    this.batchFile = this.pos.file;
  }

  positionOf(index: number): string {
    return `${this.files[this.batchFile]}:${this.slotLines[index]}`;
  }

  splitCount(): number {
    return this.files.length;
  }
  splitName(split: number): string {
    return basename(this.files[split] ?? this.path);
  }
  isSplitFinished(split: number): boolean {
    return split < this.pos.file;
  }
  position(): unknown {
    return { ...this.pos, path: this.files[this.pos.file] ?? null };
  }
  seek(position: unknown): void {
    const p = position as FilePosition;
    this.pos = { file: p.file, offset: p.offset, line: p.line, header: p.header };
    void this.lines?.close();
    this.lines = null;
  }
  async close(): Promise<void> {
    await this.lines?.close();
    this.lines = null;
  }
}
