import { jsonlSink } from '../../connectors/file/jsonl-sink.ts';
import { jsonlSource } from '../../connectors/file/jsonl-source.ts';
import type { TableConnector } from '../table-connector.ts';
import { rowValidator } from './row-validator.ts';

/**
 * 'connector' = 'jsonl': one JSON object per line, its properties the table's columns by name
 * (TIMESTAMP columns as epoch milliseconds or SQL timestamp text). A line whose values do not fit
 * the column types is bad input: a dead letter with its file and line. 'path' names the file or directory.
 *
 * @example
 * CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'jsonl', 'path' = 'bids.jsonl')
 */
export const jsonlTable: TableConnector = {
  name: 'jsonl',
  options: ['path'],
  required: ['path'],
  source: (table) => jsonlSource<unknown>(table.options.get('path') as string, { validate: rowValidator(table) }),
  sink: (table) => jsonlSink<unknown>(table.options.get('path') as string),
};
