import { SqlError } from '../sql-error.ts';
import type { TableDefinition } from '../table-definition.ts';

/**
 * A whole-number option of a table, or the default when it is not given.
 *
 * @example
 * integerOption(table, 'number-of-rows', null); // 1000 for 'number-of-rows' = '1000'
 */
export function integerOption<D extends number | null>(table: TableDefinition, key: string, fallback: D): number | D {
  const text = table.options.get(key);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new SqlError(`table ${table.name}: option '${key}' must be a whole number >= 0, got '${text}'`, table.pos);
  return n;
}

/** A number option (may have a fraction). */
export function numberOption<D extends number | null>(table: TableDefinition, key: string, fallback: D): number | D {
  const text = table.options.get(key);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new SqlError(`table ${table.name}: option '${key}' must be a number, got '${text}'`, table.pos);
  return n;
}
