/**
 * Turns lines of a text file into records. `header` sees the first line of each file when the
 * format has a header; `parse` throws with a human-readable reason for a bad line.
 *
 * @example
 * const upper: LineFormat<string> = { kind: 'upper', hasHeader: false, parse: (l) => l.toUpperCase() };
 */
export interface LineFormat<T> {
  readonly kind: string;
  readonly hasHeader: boolean;
  header?(line: string): unknown;
  parse(line: string, header: unknown): T;
}
