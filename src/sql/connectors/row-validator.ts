import { sqlRuntime } from '../sql-runtime.ts';
import { formatType, isInteger, isNumeric, type SqlType } from '../sql-type.ts';
import type { TableDefinition } from '../table-definition.ts';

/** Whether a JSON value fits a column type; TIMESTAMP text is converted to epoch ms by the caller. */
function fits(type: SqlType): (v: unknown) => boolean {
  if (isInteger(type)) return (v) => Number.isInteger(v);
  if (isNumeric(type)) return (v) => typeof v === 'number';
  switch (type.name) {
    case 'STRING': return (v) => typeof v === 'string';
    case 'BOOLEAN': return (v) => typeof v === 'boolean';
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': return (v) => typeof v === 'number';
    case 'ROW': case 'MAP': return (v) => typeof v === 'object' && !Array.isArray(v);
    case 'ARRAY': return (v) => Array.isArray(v);
    default: return () => true;
  }
}

/**
 * A check of each parsed JSON line against the table's physical columns: a value of the wrong
 * type rejects the line (it becomes a dead letter with its file and line, or fails the job with
 * `badInput: 'fail'`); TIMESTAMP text ('yyyy-MM-dd HH:mm:ss.SSS', Flink's JSON format) becomes
 * epoch milliseconds. Missing columns are NULL.
 *
 * @example
 * sources.jsonl(path, { validate: rowValidator(table) });
 */
export function rowValidator(table: TableDefinition): (value: unknown) => unknown {
  const columns = table.columns.filter((c) => !c.computed).map((c) => ({
    name: c.name, type: c.type, fits: fits(c.type), time: c.type.name === 'TIMESTAMP' || c.type.name === 'TIMESTAMP_LTZ',
  }));
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`table ${table.name}: expected a JSON object with the columns ${columns.map((c) => c.name).join(', ')}`);
    }
    const row = value as Record<string, unknown>;
    for (const c of columns) {
      let v = row[c.name];
      if (v === undefined || v === null) continue;
      if (c.time && typeof v === 'string') {
        const ms = sqlRuntime.parseTimestamp(v);
        if (ms !== null) row[c.name] = v = ms;
      }
      if (!c.fits(v)) throw new Error(`table ${table.name}: column ${c.name} is ${formatType(c.type)}, got ${JSON.stringify(v)}`);
    }
    return row;
  };
}
