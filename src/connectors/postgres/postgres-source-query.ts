import { quoteIdent } from './postgres-connection.ts';

/** Where the rows come from: a table (optionally some of its columns) or a SELECT of your own. */
export interface PostgresSourceRelation {
  readonly table?: string;
  readonly query?: string;
  readonly columns?: readonly string[];
}

/** The statements a postgres source runs; `n` position columns (version, then key) in order. */
export interface PostgresSourceStatements {
  /** One page after a position: `$1..$n` is the last (version, key) read, `$n+1` the page size (then settleMs, if any). */
  readonly pageAfter: string;
  /** The first page (no position yet): `$1` is the page size (then settleMs, if any). */
  readonly firstPage: string;
  /** Same two, bounded by `(version, key) <= ($k..)`: the bound's parameters follow. */
  readonly pageAfterUpTo: string;
  readonly firstPageUpTo: string;
  /** The last (version, key) that exists now, or no row for an empty relation. */
  readonly last: string;
  /** How many of the result's trailing columns are the position as text (they are not the row's). */
  readonly positionColumns: number;
}

/** Prefix of the position columns the source adds to each row (as text, so no precision is lost). */
export const POSITION_PREFIX = '__eddy_pos_';

/**
 * Builds the keyset pagination statements: `SELECT q.*, <position as text> FROM (<relation>) q
 * WHERE (v, k) > ($1, $2) ORDER BY v, k LIMIT $3`. Values are bind parameters; names from the
 * job definition are quoted identifiers. Position columns are read back as text because a JS Date
 * keeps milliseconds while timestamptz keeps microseconds: a rounded position would read a row again.
 *
 * @example
 * postgresSourceStatements({ table: 'products' }, 'updated_at', ['sku']).pageAfter;
 * // SELECT q.*, q."updated_at"::text AS "__eddy_pos_0", q."sku"::text AS "__eddy_pos_1" FROM (SELECT * FROM "products") AS q
 * //  WHERE q."updated_at" IS NOT NULL AND q."sku" IS NOT NULL AND (q."updated_at", q."sku") > ($1, $2) ORDER BY q."updated_at", q."sku" LIMIT $3
 */
export function postgresSourceStatements(rel: PostgresSourceRelation, version: string, key: readonly string[], settle = false): PostgresSourceStatements {
  const from = relationSql(rel);
  const cols = [version, ...key].map((c) => `q.${quoteIdent(c)}`);
  const n = cols.length;
  const positionText = cols.map((c, i) => `${c}::text AS "${POSITION_PREFIX}${i}"`).join(', ');
  // A NULL version or key has no place in the order (and would stop the pages): such rows are not read.
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const select = `SELECT q.*, ${positionText} FROM (${from}) AS q WHERE ${notNull}`;
  // Polling with settleMs: only versions at least that old by the server's clock (the last parameter).
  const settled = (param: number) => (settle ? ` AND ${cols[0]} <= now() - $${param}::double precision * interval '1 millisecond'` : '');
  const tuple = `(${cols.join(', ')})`;
  const params = (first: number) => `(${cols.map((_, i) => `$${first + i}`).join(', ')})`;
  const order = `ORDER BY ${cols.join(', ')}`;
  return {
    pageAfter: `${select} AND ${tuple} > ${params(1)}${settled(n + 2)} ${order} LIMIT $${n + 1}`,
    firstPage: `${select}${settled(2)} ${order} LIMIT $1`,
    pageAfterUpTo: `${select} AND ${tuple} > ${params(1)} AND ${tuple} <= ${params(n + 2)} ${order} LIMIT $${n + 1}`,
    firstPageUpTo: `${select} AND ${tuple} <= ${params(2)} ${order} LIMIT $1`,
    last: `SELECT ${positionText} FROM (${from}) AS q WHERE ${notNull} ORDER BY ${cols.map((c) => `${c} DESC`).join(', ')} LIMIT 1`,
    positionColumns: n,
  };
}

function relationSql(rel: PostgresSourceRelation): string {
  if ((rel.table === undefined) === (rel.query === undefined)) throw new Error('sources.postgres: give exactly one of { table } or { query }');
  if (rel.table !== undefined) {
    const cols = rel.columns === undefined || rel.columns.length === 0 ? '*' : rel.columns.map((c) => quoteIdent(c)).join(', ');
    return `SELECT ${cols} FROM ${quoteIdent(rel.table, true)}`;
  }
  const q = rel.query!.trim().replace(/;\s*$/, '');
  if (!/^(select|with|values|table)\b/i.test(q)) throw new Error(`sources.postgres: query must be a SELECT (it becomes a subquery), got: ${q.slice(0, 80)}`);
  if (/\$\d/.test(q)) throw new Error('sources.postgres: query must not have bind parameters ($1 ...): the source adds its own for the position');
  if (rel.columns !== undefined) throw new Error('sources.postgres: columns goes with { table }; with { query }, select the columns in the query');
  return q;
}
