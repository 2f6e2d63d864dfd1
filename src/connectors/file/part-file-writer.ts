import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SinkWriter } from '../sink.ts';
import { sinkPathError } from './sink-path-error.ts';
import { formatLines, type TextFormat } from './text-format.ts';

/**
 * The exactly-once file writer (Flink's FileSink model): records go to a hidden in-progress part
 * file; at a checkpoint it is fsynced and renamed to a hidden pending file; when the checkpoint
 * completes, pending files are renamed to visible `part-<checkpoint>-<n>` files. Readers of the
 * directory (ignoring dot files) only ever see committed data, and a replay after a crash
 * rewrites what was lost without duplicating what was committed.
 */
export class PartFileWriter<T> implements SinkWriter<T> {
  private fh: FileHandle | null = null;
  private inProgress: string | null = null;
  private parts: string[] = [];
  private pending = 0;
  private first = true;
  private seq = 0;
  /** Pending file names not yet committed (they survive a failed checkpoint). */
  private uncommitted: string[] = [];
  /** Tells this writer's files from those of other runs (restarts in the same process too). */
  private readonly run = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly dir: string, private readonly ext: string, private readonly format: TextFormat<T>, readonly capacity: number,
    private readonly sinkName = 'file',
  ) {}

  get backlog(): number {
    return this.pending;
  }

  async open(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (e) {
      throw sinkPathError(e, this.sinkName, this.dir, 'directory');
    }
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
    if (this.fh === null) {
      this.inProgress = `.inprogress-${this.run}-${this.seq++}${this.ext}`;
      this.fh = await open(join(this.dir, this.inProgress), 'w');
    }
    const data = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    await this.fh.write(data);
  }

  async preCommit(checkpointId: number): Promise<unknown> {
    await this.flush();
    if (this.fh !== null) {
      await this.fh.datasync();
      await this.fh.close();
      this.fh = null;
      const pendingName = `.pending-${String(checkpointId).padStart(6, '0')}-${this.run}-${this.seq}${this.ext}`;
      await rename(join(this.dir, this.inProgress!), join(this.dir, pendingName));
      this.uncommitted.push(pendingName);
      this.inProgress = null;
      this.first = true;
    }
    return [...this.uncommitted];
  }

  async commit(_checkpointId: number, token: unknown): Promise<void> {
    for (const name of token as string[]) {
      await this.publish(name);
      this.uncommitted = this.uncommitted.filter((n) => n !== name);
    }
  }

  async recover(token: unknown): Promise<void> {
    const keep = new Set(token === null ? [] : (token as string[]));
    for (const name of keep) await this.publish(name);
    for (const name of await readdir(this.dir)) {
      const leftover = name.startsWith('.inprogress-') || name.startsWith('.pending-');
      // A fresh start (no token at all) owns the directory: earlier committed output goes too.
      const earlierOutput = token === null && name.startsWith('part-');
      if ((leftover && !keep.has(name)) || earlierOutput) await rm(join(this.dir, name), { force: true });
    }
  }

  async close(): Promise<void> {
    // In-progress data is not committed by closing: it belongs to no checkpoint.
    await this.fh?.close();
    this.fh = null;
  }

  /** Renames a pending file to its committed name; done already if only the committed one exists. */
  private async publish(pendingName: string): Promise<void> {
    const committed = committedName(pendingName);
    try {
      await rename(join(this.dir, pendingName), join(this.dir, committed));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** `.pending-000012-<run>-3.jsonl` -> `part-000012-<run>-3.jsonl` */
function committedName(pendingName: string): string {
  return `part-${pendingName.slice('.pending-'.length)}`;
}
