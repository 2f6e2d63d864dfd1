import { type FileHandle, open } from 'node:fs/promises';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Reads a file line by line in large chunks, tracking the byte offset and line number of each
 * line so a reader can resume exactly after the last line it handed out.
 *
 * @example
 * const r = new LineReader('in.jsonl', 0, 0);
 * await r.open();
 * while ((await r.fill()) && r.hasLine()) { const line = r.nextLine(); ... }
 */
export class LineReader {
  private fh: FileHandle | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private fileOffset: number;
  private eof = false;
  /** Byte offset just after the last line returned. */
  offset: number;
  /** Number of the last line returned (1-based; 0 before the first). */
  line: number;

  constructor(readonly path: string, offset: number, line: number) {
    this.fileOffset = offset;
    this.offset = offset;
    this.line = line;
  }

  async open(): Promise<void> {
    this.fh = await open(this.path, 'r');
  }

  /** Whether a whole line (or the unterminated last line at end of file) is buffered. */
  hasLine(): boolean {
    return this.buf.indexOf(NEWLINE, this.pos) >= 0 || (this.eof && this.pos < this.buf.length);
  }

  get done(): boolean {
    return this.eof && this.pos >= this.buf.length;
  }

  /** Reads the next chunk; false at end of file. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await this.fh!.read(chunk, 0, CHUNK, this.fileOffset);
    this.fileOffset += bytesRead;
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
    this.pos = 0;
    if (bytesRead === 0) this.eof = true;
    return true;
  }

  /** The next line without its line ending; call only when `hasLine()`. */
  nextLine(): string {
    let end = this.buf.indexOf(NEWLINE, this.pos);
    const next = end < 0 ? this.buf.length : end + 1;
    if (end < 0) end = this.buf.length;
    const stop = end > this.pos && this.buf[end - 1] === 0x0d ? end - 1 : end;
    const text = this.buf.toString('utf8', this.pos, stop);
    this.offset += next - this.pos;
    this.pos = next;
    this.line++;
    return text;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}
