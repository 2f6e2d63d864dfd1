// The source and sink conformance suites (eddy/testing) against the PostgreSQL connectors, on the
// real server at DATABASE_URL.
import { after, before, test } from 'node:test';
import { sinks, sources } from 'eddy';
import { type ConformanceCheck, type SinkConformanceSubject, sinkConformance, sourceConformance } from 'eddy/testing';
import { databaseUrl, rollbackPrepared, testPool, uniqueName } from './pg-test-db.ts';

interface Row { id: number; word: string }

const pool = testPool();
const tables: string[] = [];
before(() => databaseUrl());
after(async () => {
  for (const t of tables) {
    await rollbackPrepared(pool, `eddy:${t}:`);
    await pool.query(`DROP TABLE IF EXISTS ${t}`);
  }
  await pool.end();
});

function register(name: string, checks: readonly ConformanceCheck[]): void {
  for (const c of checks) test(`${name}: ${c.name}`, { skip: c.skip }, c.run);
}

async function table(prefix: string, primaryKey: boolean): Promise<string> {
  const t = uniqueName(prefix);
  tables.push(t);
  await pool.query(`CREATE TABLE ${t} (id integer NOT NULL${primaryKey ? ' PRIMARY KEY' : ''}, word text, version integer NOT NULL DEFAULT 0)`);
  return t;
}

// The source: 20 rows, 4 of which the row function rejects (a word that is not a word).
const sourceTable = await table('conf_src', true);
await pool.query(`INSERT INTO ${sourceTable} (id, word, version) SELECT i, CASE WHEN i % 5 = 4 THEN '' ELSE 'w' || i END, i / 3 FROM generate_series(0, 19) i`);
register('postgres source', sourceConformance({
  name: 'postgres',
  source: () => sources.postgres<Row>({
    url: databaseUrl(), table: sourceTable, versionColumn: 'version', key: 'id', batchRows: 4,
    row: (r) => {
      if (r.word === '') throw new Error('an empty word');
      return { id: r.id as number, word: r.word as string };
    },
  }),
  records: 16,
  deadLetters: 4,
}));

// The sinks.
const records = Array.from({ length: 12 }, (_, i): Row => ({ id: i, word: `w${i}` }));
const published = async (t: string): Promise<Row[]> => (await pool.query<Row>(`SELECT id, word FROM ${t}`)).rows;
const columns = ['id', 'word'];

const exactlyOnce: SinkConformanceSubject<Row> = {
  name: 'postgres',
  records,
  plainWrites: { skip: "guarantee 'exactly-once' publishes only at commit (checked below)" },
  destination: async () => {
    const t = await table('conf_eo', false);
    return { sink: () => sinks.postgres<Row>({ url: databaseUrl(), table: t, columns }), published: () => published(t) };
  },
};
register('postgres sink', await sinkConformance(exactlyOnce));

register('postgres sink (at-least-once)', await sinkConformance<Row>({
  name: 'postgres-alo',
  records,
  destination: async () => {
    const t = await table('conf_alo', false);
    return {
      // Under 'exactly-once' this sink still writes at once: no two-phase commit to check.
      sink: () => sinks.postgres<Row>({ url: databaseUrl(), table: t, columns, guarantee: 'at-least-once' }),
      published: () => published(t),
    };
  },
}));

register('postgres upsert sink', await sinkConformance<Row>({
  name: 'postgres-upsert',
  records,
  destination: async () => {
    const t = await table('conf_up', true);
    return { sink: () => sinks.postgresUpsert<Row>({ url: databaseUrl(), table: t, columns, key: ['id'] }), published: () => published(t) };
  },
}));
