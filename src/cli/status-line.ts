/** Carriage return, then erase the whole line (ANSI EL2). */
const CLEAR = '\r\x1b[2K';

type Write = NodeJS.WriteStream['write'];

/**
 * One line at the bottom of a terminal, redrawn in place. Anything else written to the terminal
 * meanwhile (a console sink, a log line, the summary) first erases the line, so output never
 * lands in the middle of it; the next `draw` puts it back below that output.
 *
 * @example
 * const status = new StatusLine(process.stderr, [process.stdout]);
 * status.draw('clicks  in 1,000  out 10');
 * status.close();
 */
export class StatusLine {
  private visible = false;
  private readonly originals = new Map<NodeJS.WriteStream, Write>();

  /** `terminal` shows the line; `sharing` are other streams that print to the same terminal. */
  constructor(private readonly terminal: NodeJS.WriteStream, sharing: readonly NodeJS.WriteStream[] = []) {
    for (const stream of [terminal, ...sharing]) {
      if (this.originals.has(stream)) continue;
      const original = stream.write;
      this.originals.set(stream, original);
      stream.write = ((...args: Parameters<Write>) => {
        this.clear();
        return original.apply(stream, args);
      }) as Write;
    }
  }

  /** Replaces the line with `text`, cut to the terminal width. */
  draw(text: string): void {
    const columns = this.terminal.columns;
    const line = columns > 1 && text.length >= columns ? `${text.slice(0, columns - 2)}…` : text;
    this.raw(`${CLEAR}${line}`);
    this.visible = true;
  }

  /** Erases the line if it is shown. */
  clear(): void {
    if (!this.visible) return;
    this.visible = false;
    this.raw(CLEAR);
  }

  /** Erases the line and gives the streams their own `write` back. */
  close(): void {
    this.clear();
    for (const [stream, original] of this.originals) stream.write = original;
    this.originals.clear();
  }

  private raw(text: string): void {
    this.originals.get(this.terminal)!.call(this.terminal, text);
  }
}
