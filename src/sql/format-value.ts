import { sqlRuntime } from './sql-runtime.ts';
import type { SqlType } from './sql-type.ts';

/**
 * A value as Flink's print connector and SQL client show it: NULL as `<NULL>`, timestamps as
 * `yyyy-MM-dd HH:mm:ss.SSS`, rows as `+I[...]` fields.
 *
 * @example
 * formatValue(0, { name: 'TIMESTAMP', nullable: true }); // '1970-01-01 00:00:00.000'
 */
export function formatValue(v: unknown, type: SqlType): string {
  if (v === null || v === undefined) return '<NULL>';
  if ((type.name === 'TIMESTAMP' || type.name === 'TIMESTAMP_LTZ') && typeof v === 'number') return sqlRuntime.timestampText(v);
  if (type.name === 'BOOLEAN') return v ? 'TRUE' : 'FALSE';
  if (type.name === 'ROW' && typeof v === 'object') {
    return `(${(type.fields ?? []).map((f) => formatValue((v as Record<string, unknown>)[f.name], f.type)).join(', ')})`;
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
