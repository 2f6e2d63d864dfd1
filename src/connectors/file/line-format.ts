import type { Source } from '../source.ts';

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

/**
 * A source that reads text lines (jsonl, csv) and says how a line becomes a record, so that tests
 * can push raw lines through it (`TestInput.pushLines`).
 *
 * @example
 * const format = lineFormatOf(sources.jsonl<Click>('clicks.jsonl')); // its JSON Lines format
 */
export interface LineSource<T> extends Source<T> {
  readonly lineFormat: LineFormat<T>;
}

/** The line format of a text-line source; null for any other source. @example lineFormatOf(source)?.kind; // 'jsonl' */
export function lineFormatOf<T>(source: Source<T>): LineFormat<T> | null {
  return 'lineFormat' in source ? (source as LineSource<T>).lineFormat : null;
}
