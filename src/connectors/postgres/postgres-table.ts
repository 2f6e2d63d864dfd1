import { quoteIdent } from './postgres-connection.ts';
import type { PostgresQueryable } from './postgres-pool.ts';

/** A column the connector writes, with its SQL type as PostgreSQL prints it. */
export interface ColumnType {
  readonly name: string;
  readonly type: string;
}

/**
 * Reads the SQL types of `columns` of `table` from the catalog, so that a batch can be sent as
 * one array per column (`unnest($1::bigint[], $2::text[])`). Says what is missing, and where.
 *
 * @example
 * const types = await columnTypes(pool, 'orders', ['id', 'total'], 'sinks.postgres');
 */
export async function columnTypes(db: PostgresQueryable, table: string, columns: readonly string[], who: string): Promise<ColumnType[]> {
  let rows: { name: string; type: string; category: string }[];
  try {
    rows = (await db.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory AS category
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
      [quoteIdent(table, true)],
    )).rows as typeof rows;
  } catch (e) {
    throw new Error(`${who}: cannot read the columns of table '${table}': ${(e as Error).message}`);
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  return columns.map((c) => {
    const col = byName.get(c);
    if (col === undefined) throw new Error(`${who}: table '${table}' has no column '${c}'; it has ${rows.map((r) => r.name).join(', ')}`);
    if (col.category === 'A') throw new Error(`${who}: column '${c}' of '${table}' is an array (${col.type}); array columns are not supported`);
    return { name: c, type: col.type };
  });
}

/**
 * The statement that writes a batch: `INSERT ... SELECT * FROM unnest(<one array per column>)`,
 * with `ON CONFLICT (key) DO UPDATE` (or DO NOTHING when every column is a key) for upserts.
 * One statement per batch, whatever its size (no bind parameter limit).
 *
 * @example
 * insertStatement('kv', [{ name: 'k', type: 'bigint' }, { name: 'v', type: 'text' }], ['k']);
 * // INSERT INTO "kv" ("k", "v") SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"
 */
export function insertStatement(table: string, columns: readonly ColumnType[], key: readonly string[] | null): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  let sql = `INSERT INTO ${quoteIdent(table, true)} (${names}) SELECT * FROM unnest(${arrays})`;
  if (key !== null) {
    const rest = columns.filter((c) => !key.includes(c.name));
    const conflict = `ON CONFLICT (${key.map((k) => quoteIdent(k)).join(', ')})`;
    sql += rest.length === 0
      ? ` ${conflict} DO NOTHING`
      : ` ${conflict} DO UPDATE SET ${rest.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ')}`;
  }
  return sql;
}
