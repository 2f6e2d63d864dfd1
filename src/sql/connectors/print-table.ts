import { consoleSink } from '../../connectors/console/console-sink.ts';
import { formatValue } from '../format-value.ts';
import type { TableConnector } from '../table-connector.ts';

/**
 * 'connector' = 'print': each row on standard output as Flink prints it, `+I[1001, 42, 2024-01-01 00:00:00.000]`
 * ('print-identifier' = 'x' puts `x> ` before each).
 *
 * @example
 * CREATE TABLE out (auction BIGINT, num BIGINT) WITH ('connector' = 'print')
 */
export const printTable: TableConnector = {
  name: 'print',
  options: ['print-identifier'],
  sink(table) {
    const columns = table.columns.filter((c) => !c.computed);
    const prefix = table.options.has('print-identifier') ? `${table.options.get('print-identifier')}> ` : '';
    return consoleSink<Record<string, unknown>>((row) => `${prefix}+I[${columns.map((c) => formatValue(row[c.name], c.type)).join(', ')}]`) as never;
  },
};
