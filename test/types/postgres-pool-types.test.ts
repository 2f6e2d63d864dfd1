// Type-level tests: `tsc --noEmit` (part of `npm test`) fails if a line marked @ts-expect-error compiles.
// The PostgreSQL connectors take a pool as Eddy's own narrow PostgresPool type, so that Eddy's
// declarations need no @types/pg; a pool made with pg must still fit it as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import type { PostgresConnection, PostgresPool } from 'eddy';

test('a pg.Pool is a PostgresPool; a single pg.Client is not', () => {
  const asPool = (p: pg.Pool): PostgresPool => p;
  const asConnection = (p: pg.Pool): PostgresConnection => ({ pool: p });
  // @ts-expect-error: a pg.Client's connect() opens itself, it hands out no client to release
  const notAPool = (c: pg.Client): PostgresPool => c;
  assert.equal([asPool, asConnection, notAPool].length, 3);
});
