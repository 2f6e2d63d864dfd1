import type { DeadLetter } from '../functions/dead-letter.ts';
import type { LineFormat } from '../connectors/file/line-format.ts';

/**
 * Parses raw text lines for the test driver as a file source would read them from `file`: the
 * format's header from line 1, blank lines skipped, a line that does not parse a dead letter at
 * `file:line`. Keeps the line count and header across calls, as one file read in pieces.
 *
 * @example
 * const feeder = new LineFeeder(format, 'orders', 'orders.csv');
 * feeder.feed(['id,amount', '1,x'], records, deadLetters); // deadLetters[0].position === 'orders.csv:2'
 */
export class LineFeeder<T> {
  private line = 0;
  private header: unknown = undefined;

  constructor(
    private readonly format: LineFormat<T>,
    private readonly operator: string,
    private readonly file: string,
    position: unknown = null,
  ) {
    if (position !== null && position !== undefined) ({ line: this.line, header: this.header } = position as { line: number; header: unknown });
  }

  /** The line count and header so far (a restored driver's feeder goes on from them). */
  position(): unknown {
    return { line: this.line, header: this.header };
  }

  /** Parses `lines` (each without its line ending; a trailing \r is dropped, as the file reader does). */
  feed(lines: readonly string[], records: { push(record: { value: T; time: number; at: string }): unknown }, deadLetters: DeadLetter[]): void {
    for (const raw of lines) {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      this.line++;
      if (this.format.hasHeader && this.line === 1) {
        try {
          this.header = this.format.header!(text);
        } catch (e) {
          throw new Error(`source '${this.operator}': bad header at ${this.file}:1: ${(e as Error).message}`);
        }
        continue;
      }
      // The file reader's rule exactly (long whitespace-only lines are parsed, and rejected).
      if (text.length === 0 || (text.length < 8 && text.trim().length === 0)) continue;
      try {
        records.push({ value: this.format.parse(text, this.header), time: Number.NaN, at: `${this.file}:${this.line}` });
      } catch (e) {
        deadLetters.push({ operator: this.operator, position: `${this.file}:${this.line}`, reason: (e as Error).message, raw: text });
      }
    }
  }
}
