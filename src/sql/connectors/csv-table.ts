import { csvSink } from '../../connectors/file/csv-sink.ts';
import { csvSource, type CsvColumnType } from '../../connectors/file/csv-source.ts';
import { isNumeric } from '../sql-type.ts';
import type { TableConnector } from '../table-connector.ts';

/**
 * 'connector' = 'csv': a CSV file with a header line naming the columns; numbers, booleans and
 * timestamps ('yyyy-MM-dd HH:mm:ss' or ISO) are converted by the table's column types.
 *
 * @example
 * CREATE TABLE orders (id BIGINT, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'csv', 'path' = 'orders.csv')
 */
export const csvTable: TableConnector = {
  name: 'csv',
  options: ['path', 'csv.field-delimiter'],
  required: ['path'],
  source(table) {
    const types: Record<string, CsvColumnType> = {};
    for (const c of table.columns) {
      if (c.computed) continue;
      if (isNumeric(c.type)) types[c.name] = 'number';
      else if (c.type.name === 'BOOLEAN') types[c.name] = 'boolean';
      else if (c.type.name === 'TIMESTAMP' || c.type.name === 'TIMESTAMP_LTZ') types[c.name] = 'date';
    }
    return csvSource<Record<string, unknown>>(table.options.get('path') as string, { types, delimiter: table.options.get('csv.field-delimiter') ?? ',' });
  },
  sink: (table) => csvSink<Record<string, unknown>>(table.options.get('path') as string, {
    columns: table.columns.filter((c) => !c.computed).map((c) => c.name), delimiter: table.options.get('csv.field-delimiter') ?? ',',
  }),
};
