import { blackholeTable } from './connectors/blackhole-table.ts';
import { csvTable } from './connectors/csv-table.ts';
import { datagenTable } from './connectors/datagen-table.ts';
import { jsonlTable } from './connectors/jsonl-table.ts';
import { nexmarkTable } from './connectors/nexmark-table.ts';
import { printTable } from './connectors/print-table.ts';
import type { TableConnector } from './table-connector.ts';

/** The connectors CREATE TABLE knows, by the value of its 'connector' option. */
export const TABLE_CONNECTORS: ReadonlyMap<string, TableConnector> = new Map(
  [jsonlTable, csvTable, nexmarkTable, datagenTable, printTable, blackholeTable].map((c) => [c.name, c]),
);
