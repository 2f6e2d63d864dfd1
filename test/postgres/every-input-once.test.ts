// Random malformed rows through sources.postgres on the real server: payloads with every kind of
// bad timestamp, garbage the `row` function rejects, and (without a timestamp assigner, where the
// version column is the event time) version values too large for a double. Every row comes out
// exactly once, as a window result, a late record or a dead letter at table(key=...).
import { test, after } from 'node:test';
import fc from 'fast-check';
import { StreamEnvironment, WatermarkStrategy, sources } from 'eddy';
import { type Rec, SEED, assertEachOnce, countingJob, jsonLine, strategy } from '../connectors/input-accounting.ts';
import { databaseUrl, testPool, uniqueName } from './pg-test-db.ts';

const pool = testPool();
after(() => pool.end());

/** A row: its payload (JSON or not; invalid UTF-8 read as Latin-1 and no NUL, as PostgreSQL text must be valid) and whether its version is huge. */
const rowArb = (id: number) => fc.tuple(jsonLine(id).map((b) => b.toString('latin1').replaceAll('\0', ' ')), fc.integer({ min: 0, max: 9 }).map((n) => n === 0));
const rowsArb = fc.integer({ min: 5, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i))));

test('sources.postgres on the server: every row once, as a result, a late record or a dead letter', async () => {
  const counts = { results: 0, late: 0, dead: 0 };
  await fc.assert(fc.asyncProperty(rowsArb, fc.boolean(), fc.constantFrom(1, 4, 1024), async (rows, assigner, batchSize) => {
    const table = uniqueName('once');
    await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v numeric NOT NULL, payload text NOT NULL)`);
    try {
      // The version orders the rows: i, or 10^400 + i (a number PostgreSQL holds and a double cannot).
      for (const [i, [payload, huge]] of rows.entries()) {
        await pool.query(`INSERT INTO ${table} VALUES ($1, ${huge ? '10::numeric ^ 400 + $3' : '$3'}, $2)`, [i, payload, String(i)]);
      }
      const env = StreamEnvironment.create({ batchSize, log: () => {} });
      const source = sources.postgres<Rec>({
        url: databaseUrl(), table, versionColumn: 'v', key: 'id', batchRows: 7,
        row: (r) => ({ ...(JSON.parse(r.payload as string) as Rec), id: r.id as number }),
      });
      const job = countingJob(env, source, assigner ? strategy() : WatermarkStrategy.forBoundedOutOfOrderness<Rec>(50));
      await env.execute();
      const n = assertEachOnce(job.sinks(), rows.map((_, i) => i), (pos) => Number(/\(id=(\d+);/.exec(pos)![1]), table);
      counts.results += n.results;
      counts.late += n.late;
      counts.dead += n.dead;
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }), { seed: SEED, numRuns: 6, interruptAfterTimeLimit: 90_000 });
  console.log(`# postgres: ${counts.results} results, ${counts.late} late, ${counts.dead} dead letters`);
});
