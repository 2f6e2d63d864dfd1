import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { PartFileWriter } from './part-file-writer.ts';
import { sinkPathError } from './sink-path-error.ts';
import { formatLines, type TextFormat } from './text-format.ts';
import type { Sink, SinkWriter } from '../sink.ts';

export type { TextFormat } from './text-format.ts';

/**
 * Options of the file sinks.
 *
 * @example
 * sinks.jsonl('out.jsonl', { bufferChars: 64 * 1024 });
 */
export interface FileSinkOptions {
  /** Buffered characters before the runtime waits for a write (default 1 MiB). */
  readonly bufferChars?: number;
}

/**
 * Writes records as lines to a file (created, with its directory, or truncated at open). Lines
 * are buffered and written in large chunks; above `bufferChars` the job waits for the disk.
 * In a job with exactly-once checkpoints, `path` is a directory of part files committed with
 * each checkpoint (see PartFileWriter); with at-least-once checkpoints the file is appended to
 * and flushed at each checkpoint, so a restart may repeat records written after the last one.
 *
 * @example
 * textFileSink('out.txt', { kind: 'text', line: (v: string) => v });
 */
export function textFileSink<T>(path: string, format: TextFormat<T>, options: FileSinkOptions = {}): Sink<T> {
  return {
    kind: format.kind,
    describe: () => `${format.kind}(${path})`,
    createWriter: (ctx) => ctx.guarantee === 'exactly-once'
      ? new PartFileWriter(path, extname(path) || partExtension(format.kind), format, options.bufferChars ?? 1 << 20, ctx.operatorName)
      : new TextFileWriter(path, format, options.bufferChars ?? 1 << 20, ctx.guarantee === 'at-least-once' || ctx.guarantee === 'at-most-once', ctx.operatorName),
  };
}

/** The part files of a directory named without an extension (`out/counts`) say their format. */
function partExtension(kind: string): string {
  return kind === 'jsonl' || kind === 'csv' ? `.${kind}` : '.txt';
}

class TextFileWriter<T> implements SinkWriter<T> {
  private fh: FileHandle | null = null;
  private parts: string[] = [];
  private pending = 0;
  private first = true;

  constructor(
    private readonly path: string, private readonly format: TextFormat<T>, readonly capacity: number, private readonly append = false,
    private readonly sinkName = 'file',
  ) {}

  get backlog(): number {
    return this.pending;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    try {
      this.fh = await open(this.path, this.append ? 'a' : 'w');
    } catch (e) {
      throw sinkPathError(e, this.sinkName, this.path, 'file');
    }
  }

  /** At-least-once, fresh start: begin with an empty file. */
  async recover(token: unknown): Promise<void> {
    if (token === null && this.append) await this.fh!.truncate(0);
  }

  write(values: readonly T[], _times: readonly number[], length: number): void {
    if (length === 0) return;
    const chunk = formatLines(this.format, values, length, this.first);
    this.first = false;
    this.parts.push(chunk);
    this.pending += chunk.length;
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    await this.fh!.write(data);
  }

  async close(): Promise<void> {
    if (this.fh === null) return;
    if (this.first) {
      // An empty output still gets its header when the format knows it without a record.
      this.first = false;
      const h = this.format.header?.(null);
      if (h != null) this.parts.push(`${h}\n`);
      this.pending += h?.length ?? 0;
    }
    await this.flush();
    await this.fh.close();
    this.fh = null;
  }
}
