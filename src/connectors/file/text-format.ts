/** Turns records into text: an optional first line, then one line per record. */
export interface TextFormat<T> {
  readonly kind: string;
  /** The first line, from the first record (null when the output is empty). */
  header?(first: T | null): string | null;
  line(value: T): string;
}

/**
 * The text of a batch: one line per record, after the header when `withHeader` (the first batch
 * of a file).
 *
 * @example
 * formatLines({ kind: 'text', line: String }, [1, 2], 2, false); // '1\n2\n'
 */
export function formatLines<T>(format: TextFormat<T>, values: readonly T[], length: number, withHeader: boolean): string {
  let chunk = '';
  if (withHeader) {
    const h = format.header?.(values[0]);
    if (h != null) chunk += `${h}\n`;
  }
  const line = format.line;
  for (let i = 0; i < length; i++) chunk += `${line(values[i])}\n`;
  return chunk;
}

