import type { Sink } from '../sink.ts';
import { csvField } from './csv-format.ts';
import { type FileSinkOptions, textFileSink } from './text-file-sink.ts';

/**
 * Options of the CSV sink for records of type T: `columns` names fields of T (a wrong name does
 * not compile).
 *
 * @example
 * sinks.csv<WindowResult<string, number>>('out.csv', { columns: ['key', 'value'], delimiter: ';' });
 */
export interface CsvSinkOptions<T = Record<string, unknown>> extends FileSinkOptions {
  /** Columns in order, fields of T (default: the keys of the first record). */
  readonly columns?: readonly (keyof T & string)[];
  readonly delimiter?: string;
}

/**
 * Writes records (objects) as CSV rows under a header line.
 *
 * @example
 * results.sinkTo(sinks.csv('out/revenue.csv', { columns: ['start', 'end', 'revenue'] }));
 */
export function csvSink<T extends object>(path: string, options: CsvSinkOptions<NoInfer<T>> = {}): Sink<T> {
  const d = options.delimiter ?? ',';
  let columns: readonly string[] | undefined = options.columns;
  return textFileSink<T>(path, {
    kind: 'csv',
    header(first) {
      if (first === null && columns === undefined) return null;
      columns ??= Object.keys(first!);
      return columns.map((c) => csvField(c, d)).join(d);
    },
    line(v) {
      const row = v as Record<string, unknown>;
      return columns!.map((c) => csvField(row[c], d)).join(d);
    },
  }, options);
}
