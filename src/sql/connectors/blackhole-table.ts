import type { Sink } from '../../connectors/sink.ts';
import type { TableConnector } from '../table-connector.ts';

/** A sink that drops every record: for measuring a query alone. */
const blackhole: Sink<unknown> = {
  kind: 'blackhole',
  describe: () => 'blackhole()',
  createWriter: () => ({
    open: async () => {},
    write: () => {},
    backlog: 0,
    capacity: 1,
    flush: async () => {},
    close: async () => {},
  }),
};

/**
 * 'connector' = 'blackhole': a sink table that drops what is written to it.
 *
 * @example
 * CREATE TABLE nexmark_q0 (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole')
 */
export const blackholeTable: TableConnector = { name: 'blackhole', options: [], sink: () => blackhole };
