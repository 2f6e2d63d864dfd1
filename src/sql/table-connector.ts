import type { Sink } from '../connectors/sink.ts';
import type { Source } from '../connectors/source.ts';
import type { TableDefinition } from './table-definition.ts';

/**
 * A connector of CREATE TABLE ... WITH ('connector' = 'name'): which options it takes, how its
 * records hold the table's columns, and the source or sink it makes for a table.
 */
export interface TableConnector {
  readonly name: string;
  /** The options it understands besides 'connector'; any other option is an error. */
  readonly options: readonly string[];
  /** Options of a family it understands (datagen's 'fields.<column>.kind' ...). */
  readonly acceptsOption?: (key: string) => boolean;
  /** Options it needs. */
  readonly required?: readonly string[];
  /** The property of a record that holds a physical column (default: the column's name). */
  readonly prop?: (column: string) => string;
  /** Checks the table's columns against what the connector produces; throws an SqlError. */
  readonly check?: (table: TableDefinition) => void;
  readonly source?: (table: TableDefinition) => Source<unknown>;
  readonly sink?: (table: TableDefinition) => Sink<unknown>;
}
