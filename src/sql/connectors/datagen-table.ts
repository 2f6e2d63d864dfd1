import { generatorSource } from '../../connectors/generator/generator-source.ts';
import { SqlError } from '../sql-error.ts';
import { isInteger, isNumeric } from '../sql-type.ts';
import type { TableColumn, TableDefinition } from '../table-definition.ts';
import type { TableConnector } from '../table-connector.ts';
import { integerOption, numberOption } from './table-options.ts';

/** A 32-bit hash of (row, column): the same table always generates the same rows. */
function mix(row: number, column: number): number {
  let h = Math.imul(row ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(column + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

const FIELD_OPTIONS = ['kind', 'min', 'max', 'length', 'start', 'end'];

/** How to make a column's value for row i. */
function columnGenerator(table: TableDefinition, c: TableColumn, index: number, rowsPerSecond: number): (row: number) => unknown {
  const opt = (name: string) => `fields.${c.name}.${name}`;
  const kind = table.options.get(opt('kind')) ?? 'random';
  if (c.type.name === 'TIMESTAMP' || c.type.name === 'TIMESTAMP_LTZ') {
    // Event time advances with the rows, at 'rows-per-second' (Flink's datagen uses the clock).
    const start = integerOption(table, opt('start'), 0);
    return (row) => start + Math.floor((row * 1000) / rowsPerSecond);
  }
  if (kind === 'sequence') {
    const start = integerOption(table, opt('start'), 0);
    const end = integerOption(table, opt('end'), null);
    if (end === null) throw new SqlError(`table ${table.name}: a sequence column needs '${opt('end')}'`, table.pos);
    return (row) => start + (row % (end - start + 1));
  }
  if (kind !== 'random') throw new SqlError(`table ${table.name}: '${opt('kind')}' must be 'random' or 'sequence', got '${kind}'`, table.pos);
  if (isNumeric(c.type)) {
    const min = numberOption(table, opt('min'), 0);
    const max = numberOption(table, opt('max'), isInteger(c.type) ? 2147483647 : 1);
    return isInteger(c.type) ? (row) => min + Math.floor(mix(row, index) * (max - min + 1)) : (row) => min + mix(row, index) * (max - min);
  }
  if (c.type.name === 'STRING') {
    const length = integerOption(table, opt('length'), 10);
    return (row) => {
      let s = '';
      for (let k = 0; k < length; k++) s += String.fromCharCode(97 + Math.floor(mix(row * 131 + k, index) * 26));
      return s;
    };
  }
  if (c.type.name === 'BOOLEAN') return (row) => mix(row, index) < 0.5;
  throw new SqlError(`table ${table.name}: the datagen connector cannot make ${c.type.name} values (column ${c.name})`, table.pos);
}

/**
 * 'connector' = 'datagen': rows of deterministic pseudo-random values. 'number-of-rows' bounds
 * it; 'rows-per-second' spaces TIMESTAMP columns in event time (and, unlike Flink, does not slow
 * the source); per column 'fields.c.kind' = 'random' (with min, max, length) or 'sequence'
 * (with start, end).
 *
 * @example
 * CREATE TABLE orders (id BIGINT, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '1000',
 *   'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000')
 */
export const datagenTable: TableConnector = {
  name: 'datagen',
  options: ['number-of-rows', 'rows-per-second'],
  acceptsOption: (key) => key.startsWith('fields.'),
  check(table) {
    for (const key of table.options.keys()) {
      const m = /^fields\.(.+)\.([^.]+)$/.exec(key);
      if (m === null) continue;
      if (!table.columns.some((c) => c.name === m[1]) || !FIELD_OPTIONS.includes(m[2])) {
        throw new SqlError(`table ${table.name}: unknown datagen option '${key}'`, table.pos, `per column: fields.<column>.${FIELD_OPTIONS.join('/')}`);
      }
    }
  },
  source(table) {
    const rowsPerSecond = numberOption(table, 'rows-per-second', 10_000);
    const physical = table.columns.filter((c) => !c.computed);
    const makers = physical.map((c, i) => columnGenerator(table, c, i, rowsPerSecond));
    const count = integerOption(table, 'number-of-rows', null);
    return generatorSource<Record<string, unknown>>({
      ...(count === null ? {} : { count }),
      generate(row) {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < physical.length; i++) out[physical[i].name] = makers[i](row);
        return out;
      },
    });
  },
};
