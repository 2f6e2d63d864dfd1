import type { Source } from '../source.ts';
import { parseCsvLine } from './csv-format.ts';
import { fileSource, type FileSourceOptions } from './file-source.ts';

/**
 * How to convert a CSV column.
 *
 * @example
 * sources.csv<Order>('orders.csv', { types: { amount: 'number', paid: 'boolean', at: 'date' } });
 */
export type CsvColumnType = 'string' | 'number' | 'boolean' | 'date';

/**
 * Options of the CSV source for rows of type T: `types` names fields of T (a wrong name does not
 * compile).
 *
 * @example
 * sources.csv<Row>('data/', { match: /\.csv$/, delimiter: ';' });
 */
export interface CsvSourceOptions<T = Record<string, unknown>> extends FileSourceOptions {
  readonly delimiter?: string;
  /** Column conversions by header name (fields of T); other columns stay strings. 'date' parses to epoch ms. */
  readonly types?: { readonly [K in keyof T & string]?: CsvColumnType };
}

/**
 * CSV with a header line; each row becomes an object keyed by the header. A row with the wrong
 * number of fields or a value that does not convert goes to the dead-letter output with file and line.
 *
 * @example
 * sources.csv<Order>('orders.csv', { types: { amount: 'number', ts: 'date' } });
 */
export function csvSource<T>(path: string, options: CsvSourceOptions<NoInfer<T>> = {}): Source<T> {
  const delimiter = options.delimiter ?? ',';
  const types: Readonly<Record<string, CsvColumnType | undefined>> = options.types ?? {};
  return fileSource<T>(path, {
    kind: 'csv',
    hasHeader: true,
    header: (line) => parseCsvLine(line, delimiter).map((h) => h.trim()),
    parse(line, header) {
      const columns = header as string[];
      const fields = parseCsvLine(line, delimiter);
      if (fields.length !== columns.length) throw new Error(`expected ${columns.length} fields (${columns.join(', ')}), got ${fields.length}`);
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]] = convert(columns[i], fields[i], types[columns[i]]);
      return row as T;
    },
  }, options);
}

function convert(column: string, raw: string, type: CsvColumnType | undefined): unknown {
  switch (type) {
    case undefined: case 'string':
      return raw;
    case 'number': {
      const v = raw.trim() === '' ? Number.NaN : Number(raw);
      if (Number.isNaN(v)) throw new Error(`column '${column}': '${raw}' is not a number`);
      return v;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new Error(`column '${column}': '${raw}' is not true or false`);
    case 'date': {
      const v = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Date.parse(raw);
      if (Number.isNaN(v)) throw new Error(`column '${column}': '${raw}' is not a date`);
      return v;
    }
  }
}
