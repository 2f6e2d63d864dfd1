import type { TypeSpec } from './ast.ts';
import { unsupported } from './sql-error.ts';

/** The SQL types Eddy runs, each with the JavaScript value that carries it. */
export type SqlTypeName =
  | 'BOOLEAN' // boolean
  | 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT' // number (an integer; BIGINT exact up to 2^53)
  | 'FLOAT' | 'DOUBLE' // number
  | 'DECIMAL' // number: the double nearest the decimal
  | 'STRING' // string (VARCHAR, CHAR and STRING alike)
  | 'TIMESTAMP' | 'TIMESTAMP_LTZ' // number: epoch milliseconds
  | 'DATE' // number: days since 1970-01-01
  | 'INTERVAL' // number: milliseconds
  | 'ROW' // an object with the fields as properties
  | 'ARRAY' | 'MAP' // an array, a Map
  | 'NULL'; // the type of the literal NULL

/**
 * A SQL type: a name, nullability, and what the name needs. `rowtime` marks the event-time
 * attribute: the column whose value is each record's timestamp, which windows read.
 */
export interface SqlType {
  readonly name: SqlTypeName;
  readonly nullable: boolean;
  readonly precision?: number;
  readonly scale?: number;
  readonly fields?: readonly SqlField[];
  readonly element?: SqlType;
  readonly rowtime?: boolean;
}

/** A named field of a ROW, or a column of a relation. */
export interface SqlField {
  readonly name: string;
  readonly type: SqlType;
}

const ALIASES: Readonly<Record<string, SqlTypeName>> = {
  BOOLEAN: 'BOOLEAN', TINYINT: 'TINYINT', SMALLINT: 'SMALLINT', INT: 'INT', INTEGER: 'INT', BIGINT: 'BIGINT',
  FLOAT: 'FLOAT', REAL: 'FLOAT', DOUBLE: 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE',
  DECIMAL: 'DECIMAL', DEC: 'DECIMAL', NUMERIC: 'DECIMAL',
  STRING: 'STRING', VARCHAR: 'STRING', CHAR: 'STRING', 'CHARACTER VARYING': 'STRING', CHARACTER: 'STRING',
  TIMESTAMP: 'TIMESTAMP', TIMESTAMP_LTZ: 'TIMESTAMP_LTZ', DATE: 'DATE', ROW: 'ROW', ARRAY: 'ARRAY', MAP: 'MAP',
};

/**
 * The type a CREATE TABLE column or a CAST names.
 *
 * @example
 * typeFromSpec(parseType(cursor)); // { name: 'DECIMAL', precision: 23, scale: 3, nullable: true }
 */
export function typeFromSpec(spec: TypeSpec): SqlType {
  const name = ALIASES[spec.name];
  if (name === undefined) {
    throw unsupported(`the type ${spec.name}`, spec.pos,
      'use BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING/VARCHAR, TIMESTAMP(3), TIMESTAMP_LTZ(3), DATE, ROW<...>, ARRAY<...> or MAP<...>');
  }
  if (name === 'DATE') throw unsupported('the type DATE', spec.pos, 'use TIMESTAMP(3): Eddy\'s times are epoch milliseconds');
  const nullable = !spec.notNull;
  if (name === 'TIMESTAMP' && spec.localTimeZone) return { name: 'TIMESTAMP_LTZ', nullable, precision: spec.params[0] ?? 6 };
  if ((name === 'TIMESTAMP' || name === 'TIMESTAMP_LTZ') && (spec.params[0] ?? 6) > 3) {
    // Flink's default precision is 6; Eddy's times are milliseconds, so 6 and 9 round to 3.
    return { name, nullable, precision: 3 };
  }
  if (name === 'TIMESTAMP' || name === 'TIMESTAMP_LTZ') return { name, nullable, precision: spec.params[0] ?? 3 };
  if (name === 'DECIMAL') return { name, nullable, precision: spec.params[0] ?? 10, scale: spec.params[1] ?? 0 };
  if (name === 'ROW') return { name, nullable, fields: spec.fields.map((f) => ({ name: f.name, type: typeFromSpec(f.type) })) };
  if (name === 'ARRAY') return { name, nullable, element: typeFromSpec(spec.elements[0]) };
  if (name === 'MAP') return { name, nullable, fields: [{ name: 'key', type: typeFromSpec(spec.elements[0]) }, { name: 'value', type: typeFromSpec(spec.elements[1]) }] };
  return { name, nullable };
}

/** A type of the given name, nullable unless said otherwise. */
export const sqlType = (name: SqlTypeName, nullable = true, extra: Partial<SqlType> = {}): SqlType => ({ name, nullable, ...extra });

const INTEGER_RANK: Partial<Record<SqlTypeName, number>> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

export const isInteger = (t: SqlType): boolean => INTEGER_RANK[t.name] !== undefined;
export const isNumeric = (t: SqlType): boolean => isInteger(t) || t.name === 'FLOAT' || t.name === 'DOUBLE' || t.name === 'DECIMAL';
export const isTemporal = (t: SqlType): boolean => t.name === 'TIMESTAMP' || t.name === 'TIMESTAMP_LTZ' || t.name === 'DATE';

/** The same type with other nullability, and without the time attribute (a computed value is no longer one). */
export const withNullable = (t: SqlType, nullable: boolean): SqlType => {
  const { rowtime: _rowtime, ...rest } = t;
  return { ...rest, nullable };
};

/**
 * The type of a binary arithmetic result, Flink's way: integers widen to the wider integer,
 * anything with DOUBLE or FLOAT is DOUBLE, DECIMAL with an integer stays DECIMAL.
 */
export function numericResult(a: SqlType, b: SqlType, op: '+' | '-' | '*' | '/' | '%'): SqlType {
  const nullable = a.nullable || b.nullable;
  if (a.name === 'DOUBLE' || b.name === 'DOUBLE' || a.name === 'FLOAT' || b.name === 'FLOAT') return sqlType('DOUBLE', nullable);
  if (a.name === 'DECIMAL' || b.name === 'DECIMAL') {
    const sa = a.scale ?? 0;
    const sb = b.scale ?? 0;
    const scale = op === '*' ? sa + sb : op === '/' ? Math.max(6, sa + 1) : Math.max(sa, sb);
    return sqlType('DECIMAL', nullable, { precision: 38, scale: Math.min(scale, 18) });
  }
  const rank = Math.max(INTEGER_RANK[a.name] ?? 0, INTEGER_RANK[b.name] ?? 0);
  const name = (Object.keys(INTEGER_RANK) as SqlTypeName[]).find((n) => INTEGER_RANK[n] === rank) ?? 'BIGINT';
  return sqlType(name, nullable);
}

/**
 * A type as SQL writes it: BIGINT, DECIMAL(23, 3), TIMESTAMP(3) *ROWTIME*, ROW<`a` INT>, with
 * NOT NULL when it is.
 *
 * @example
 * formatType({ name: 'BIGINT', nullable: false }); // 'BIGINT NOT NULL'
 */
export function formatType(t: SqlType): string {
  let s: string = t.name;
  if (t.name === 'DECIMAL') s = `DECIMAL(${t.precision}, ${t.scale})`;
  else if (t.name === 'TIMESTAMP' || t.name === 'TIMESTAMP_LTZ') s = `${t.name}(${t.precision ?? 3})${t.rowtime ? ' *ROWTIME*' : ''}`;
  else if (t.name === 'ROW') s = `ROW<${(t.fields ?? []).map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`;
  else if (t.name === 'ARRAY') s = `ARRAY<${t.element ? formatType(t.element) : '?'}>`;
  return t.nullable || t.name === 'NULL' ? s : `${s} NOT NULL`;
}
