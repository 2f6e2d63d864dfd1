import pg from 'pg';

/** DATABASE_URL of the test server (scripts/postgres/up.sh); a clear failure when it is not set. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw new Error('DATABASE_URL is not set: these tests need the real PostgreSQL server. Start it with: eval "export $(scripts/postgres/up.sh)"');
  }
  return url;
}

let seq = 0;
/** A table name no other test (or concurrent run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
}

/** A pool for the test's own setup and checks. */
export function testPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 3 });
  pool.on('error', () => {});
  return pool;
}

/** This test's prepared transactions (by GID prefix). */
export async function preparedGids(pool: pg.Pool, prefix: string): Promise<string[]> {
  const { rows } = await pool.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, length($1)) = $1 ORDER BY gid', [prefix]);
  return rows.map((r) => r.gid);
}

/** Rolls back whatever a failed test left prepared under `prefix` (the server allows few). */
export async function rollbackPrepared(pool: pg.Pool, prefix: string): Promise<void> {
  for (const gid of await preparedGids(pool, prefix)) await pool.query(`ROLLBACK PREPARED '${gid.replaceAll("'", "''")}'`).catch(() => {});
}
