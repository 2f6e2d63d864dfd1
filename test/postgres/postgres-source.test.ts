/**
 * sources.postgres against the real server (DATABASE_URL): keyset pages across batch boundaries
 * with equal versions (microseconds apart, below a JS Date's precision), the position round trip at
 * every cut, a job that fails in the middle and resumes from its checkpoint with every row once,
 * polling on a manual clock, and rows the record function rejects going to DEAD_LETTERS.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { DEAD_LETTERS, ManualClock, StreamEnvironment, WatermarkStrategy, sinks, sources, type DeadLetter } from 'eddy';
import type { SourceBatch, SourceReader } from '../../src/connectors/source.ts';
import { databaseUrl, testPool, uniqueName } from './pg-test-db.ts';

interface Row { readonly id: number; readonly k: string; readonly v: Date; readonly note: string }

let pool: pg.Pool;
const tables: string[] = [];
before(() => {
  databaseUrl();
  pool = testPool();
});
after(async () => {
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}`);
  await pool?.end();
});

/** A table of `n` rows; row i has version base + (i % versions) microseconds, so many versions are equal. */
async function table(n: number, versions: number): Promise<string> {
  const t = uniqueName('pgsrc');
  tables.push(t);
  await pool.query(`CREATE TABLE ${t} (id integer NOT NULL, k text NOT NULL, v timestamptz NOT NULL, note text NOT NULL, PRIMARY KEY (v, k))`);
  await pool.query(
    `INSERT INTO ${t} SELECT i, 'k' || lpad(((i * 7919) % $1)::text, 4, '0'), timestamptz '2026-01-01 00:00:00+00' + (i % $2) * interval '1 microsecond', 'row ' || i
       FROM generate_series(0, $1 - 1) AS i`,
    [n, versions],
  );
  return t;
}

/** The rows in (v, k) order, by id. */
async function expectedIds(t: string): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM ${t} ORDER BY v, k`);
  return rows.map((r) => r.id);
}

const newBatch = <T>(): SourceBatch<T> => ({ split: 0, values: [], times: [], length: 0, deadLetters: [] });

function reader<T>(options: Parameters<typeof sources.postgres<T>>[0], batchSize: number, clock = new ManualClock(0)): SourceReader<T> {
  return sources.postgres<T>(options).createReader({ operatorName: 'rows', clock, batchSize, badInput: 'dead-letter' });
}

/** Reads until 'end' (or 'idle'), or `maxBatches` non-empty batches; the records and their times. */
async function drain<T>(r: SourceReader<T>, maxBatches = Number.POSITIVE_INFINITY) {
  const values: T[] = [];
  const times: number[] = [];
  const sizes: number[] = [];
  const batch = newBatch<T>();
  let status = 'data';
  while (sizes.length < maxBatches) {
    status = await r.read(batch);
    for (let i = 0; i < batch.length; i++) {
      values.push(batch.values[i]);
      times.push(batch.times[i]);
    }
    if (batch.length > 0) sizes.push(batch.length);
    if (status !== 'data') break;
  }
  return { values, times, sizes, status, deadLetters: batch.deadLetters };
}

test('keyset pages cross batch boundaries with equal versions: every row once, in (version, key) order', async () => {
  const t = await table(103, 4);
  for (const [batchRows, batchSize] of [[10, 3], [7, 7], [1, 5], [500, 16]]) {
    const r = reader<Row>({ url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows }, batchSize);
    await r.open();
    const got = await drain(r);
    await r.close();
    assert.equal(got.status, 'end');
    assert.deepEqual(got.values.map((x) => x.id), await expectedIds(t), `batchRows ${batchRows}, batchSize ${batchSize}`);
    assert.ok(got.sizes.every((s) => s <= batchSize));
    // Event time is the version: four versions within one millisecond.
    assert.deepEqual([...new Set(got.times)], [Date.parse('2026-01-01T00:00:00Z')]);
  }
});

test('a query source reads a SELECT as a subquery, with a composite key', async () => {
  const t = await table(40, 3);
  const r = reader<{ id: number; k: string }>({
    url: databaseUrl(), query: `SELECT id, k, v, id % 2 AS half FROM ${t} WHERE id < 30`, versionColumn: 'v', key: ['half', 'k'], batchRows: 4,
    row: (x) => ({ id: x.id as number, k: x.k as string }),
  }, 3);
  await r.open();
  const got = await drain(r);
  await r.close();
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM ${t} WHERE id < 30 ORDER BY v, id % 2, k`);
  assert.deepEqual(got.values.map((x) => x.id), rows.map((x) => x.id));
  assert.deepEqual(Object.keys(got.values[0]), ['id', 'k'], 'the position columns are not part of the row');
});

test('position round trip: resuming from the position after any batch gives every row once', async () => {
  const t = await table(37, 3);
  const options = { url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows: 5 };
  let all: number[] = [];
  for (let cut = 0; cut <= 14; cut++) {
    all = await expectedIds(t);
    const first = reader<Row>(options, 3);
    await first.open();
    // A row with a newer version after the source opened: the bounded source (and its restart) leaves it out.
    await pool.query(`INSERT INTO ${t} VALUES ($1, $2, timestamptz '2027-01-01' + $3 * interval '1 day', 'after the snapshot')`, [1000 + cut, `zz${cut}`, cut]);
    const a = await drain(first, cut);
    const position = JSON.parse(JSON.stringify(first.position())) as unknown;
    await first.close();
    const second = reader<Row>(options, 3);
    await second.open();
    second.seek(position);
    const b = await drain(second);
    await second.close();
    assert.deepEqual([...a.values, ...b.values].map((x) => x.id), all, `cut after ${cut} batches`);
  }
  // A bounded source reads the rows that existed when it opened: a new reader sees the new row.
  const fresh = reader<Row>(options, 100);
  await fresh.open();
  assert.equal((await drain(fresh)).values.length, all.length + 1);
  await fresh.close();
  assert.throws(() => fresh.seek({ after: ['x'], upTo: null }), /not a postgres source position/);
});

test('a job that fails in the middle resumes from its checkpoint: every row reaches the exactly-once sink once', async () => {
  const t = await table(2_000, 5);
  const all = await expectedIds(t);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pgsrc-'));
  const out = join(dir, 'out.jsonl');
  const committed = () => (existsSync(out) ? readdirSync(out).filter((n) => n.startsWith('part-')).sort() : []);
  const readOut = () => committed().flatMap((n) => readFileSync(join(out, n), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: number }));
  let failures = 0;
  const build = (failInMiddle: boolean) => {
    const env = StreamEnvironment.create({ batchSize: 8, checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 1 } });
    let seen = 0;
    env.fromSource(sources.postgres<Row>({ url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows: 37 }), WatermarkStrategy.forMonotonousTimestamps(), 'rows')
      .map((r) => {
        // Fail once a checkpoint has committed output (checked every 16 rows: a directory read).
        if (failInMiddle && ++seen % 16 === 0 && committed().length > 0) {
          failures++;
          throw new Error('injected failure');
        }
        return { id: r.id };
      })
      .sinkTo(sinks.jsonl(out));
    return env;
  };
  try {
    await assert.rejects(build(true).execute('pg-source-restart'), /injected failure/);
    assert.equal(failures, 1);
    const before = readOut().length;
    assert.ok(before > 0 && before < all.length, `the first run committed part of the rows (${before} of ${all.length})`);
    const result = await build(false).execute('pg-source-restart');
    assert.equal(result.status, 'finished');
    assert.deepEqual(readOut().map((r) => r.id).sort((x, y) => x - y), [...all].sort((x, y) => x - y));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('polling: caught up is idle for watermarks; rows inserted later are read at the next poll of the manual clock', async () => {
  const t = await table(6, 2);
  const clock = new ManualClock(1_000);
  const r = reader<Row>({ url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows: 4, pollIntervalMs: 500 }, 100, clock);
  const batch = newBatch<Row>();
  await r.open();
  const first = await drain(r);
  assert.equal(first.status, 'idle');
  assert.equal(first.values.length, 6);
  assert.equal(r.isSplitCaughtUp?.(0), true);
  assert.equal(r.isSplitFinished(0), false);

  await pool.query(`INSERT INTO ${t} VALUES (100, 'new1', timestamptz '2026-02-01', 'late'), (101, 'new0', timestamptz '2026-02-01', 'late')`);
  clock.advance(499);
  assert.equal(await r.read(batch), 'idle', 'no query before the interval is over');
  clock.advance(1);
  const second = await drain(r);
  assert.deepEqual(second.values.map((x) => x.k), ['new0', 'new1']);
  assert.deepEqual(second.times, [Date.parse('2026-02-01T00:00:00Z'), Date.parse('2026-02-01T00:00:00Z')]);
  assert.equal(r.isSplitCaughtUp?.(0), true);
  clock.advance(500);
  assert.equal(await r.read(batch), 'idle', 'a poll that finds nothing');
  await r.close();
});

test('rows the record function rejects go to DEAD_LETTERS with table, key and version; the job goes on', async () => {
  const t = await table(20, 1);
  await pool.query(`UPDATE ${t} SET note = 'broken' WHERE id IN (3, 11)`);
  const env = StreamEnvironment.create({ batchSize: 4 });
  const stream = env.fromSource(sources.postgres({
    url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows: 6,
    row: (x) => {
      if (x.note === 'broken') throw new Error(`note of row ${String(x.id)} is broken`);
      return { id: x.id as number };
    },
  }), WatermarkStrategy.forMonotonousTimestamps(), 'rows');
  const good = sinks.collect<{ id: number }>();
  const dead = sinks.collect<DeadLetter>();
  stream.sinkTo(good);
  stream.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  await env.execute('pg-source-dead-letters');
  assert.equal(good.values.length, 18);
  const { rows } = await pool.query<{ k: string }>(`SELECT k FROM ${t} WHERE id IN (3, 11) ORDER BY k`);
  assert.deepEqual(dead.values.map((d) => d.position), rows.map((r) => `${t}(k=${r.k}; v=2026-01-01 00:00:00+00)`));
  assert.match(dead.values[0].reason, /note of row (3|11) is broken/);
  assert.match(dead.values[0].raw, /"note":"broken"/);
  assert.equal(dead.values[0].operator, 'rows');
});

test('clear errors: no table and no query, a query with parameters, a missing column', async () => {
  assert.throws(() => sources.postgres({ url: 'x', versionColumn: 'v', key: 'k' }), /exactly one of \{ table \} or \{ query \}/);
  assert.throws(() => sources.postgres({ url: 'x', query: 'SELECT * FROM t WHERE a = $1', versionColumn: 'v', key: 'k' }), /bind parameters/);
  assert.throws(() => sources.postgres({ url: 'x', table: 't', versionColumn: 'v', key: [] }), /key needs at least one column/);
  const t = await table(3, 1);
  const r = reader({ url: databaseUrl(), table: t, versionColumn: 'updated_at', key: 'k' }, 10);
  await assert.rejects(r.open(), (e: Error) => e.message.includes("source 'rows' (postgres") && e.message.includes('updated_at'));
  await r.close();
});

/** Waits (real time, bounded) until `done()`; fails with `what` when it does not happen. */
async function until(done: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a polling job reads rows inserted while it runs; stopped with a savepoint, its successor reads only the rows after it', async () => {
  const t = await table(10, 10);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pgpoll-'));
  const insert = (from: number, to: number) => pool.query(
    `INSERT INTO ${t} SELECT i, 'p' || i, timestamptz '2026-03-01' + i * interval '1 ms', 'polled' FROM generate_series($1::int, $2::int) AS i`, [from, to],
  );
  const build = (restore: { from: 'fresh' } | { from: 'path'; path: string }) => {
    const env = StreamEnvironment.create({ batchSize: 4, checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 50 }, restore });
    const out = sinks.collect<number>();
    env.fromSource(sources.postgres<Row>({ url: databaseUrl(), table: t, versionColumn: 'v', key: 'k', batchRows: 3, pollIntervalMs: 20 }),
      WatermarkStrategy.forMonotonousTimestamps(), 'rows').map((r) => r.id).sinkTo(out);
    return { env, out };
  };
  try {
    const first = build({ from: 'fresh' });
    const job = first.env.executeAsync('pg-poll');
    await until(() => first.out.values.length === 10, 'the 10 rows that were there');
    await insert(100, 124);
    await until(() => first.out.values.length === 35, 'the 25 rows inserted while the job polls');
    const savepoint = await job.stopWithSavepoint(join(dir, 'sp'));
    assert.equal((await job.result).status, 'stopped');
    assert.deepEqual(first.out.values, await expectedIds(t));

    await insert(200, 206);
    const second = build({ from: 'path', path: savepoint });
    const job2 = second.env.executeAsync('pg-poll');
    await until(() => second.out.values.length >= 7, 'the 7 rows inserted between the runs');
    await new Promise((r) => setTimeout(r, 200)); // a few more polls: nothing read twice
    job2.cancel();
    await job2.result;
    assert.deepEqual(second.out.values, [200, 201, 202, 203, 204, 205, 206]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a transaction that commits after a later one was read is passed by the position; settleMs waits for it', async () => {
  const create = async () => {
    const t = uniqueName('pgsettle');
    tables.push(t);
    await pool.query(`CREATE TABLE ${t} (k text PRIMARY KEY, v timestamptz NOT NULL)`);
    return t;
  };
  /** Row 'a' gets its version when its transaction starts (now()); 'b', inserted 50 ms later, commits first. */
  const race = async (t: string, r: SourceReader<{ k: string }>, clock: ManualClock, wait: number) => {
    const slow = await pool.connect();
    const read: string[] = [];
    const poll = async () => {
      clock.advance(1_000);
      read.push(...(await drain(r)).values.map((x) => x.k));
    };
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO ${t} VALUES ('a', now())`);
      await new Promise((res) => setTimeout(res, 50));
      await pool.query(`INSERT INTO ${t} VALUES ('b', now())`);
      await poll();
      await slow.query('COMMIT');
      await poll();
      await new Promise((res) => setTimeout(res, wait));
      await poll();
    } finally {
      slow.release();
    }
    return read;
  };
  const plainClock = new ManualClock(0);
  const t1 = await create();
  const plain = reader<{ k: string }>({ url: databaseUrl(), table: t1, versionColumn: 'v', key: 'k', pollIntervalMs: 500 }, 10, plainClock);
  await plain.open();
  assert.deepEqual(await race(t1, plain, plainClock, 0), ['b'], "without settleMs, 'a' (committed after 'b' was read, with an older version) is missed");
  await plain.close();

  const settleClock = new ManualClock(0);
  const t2 = await create();
  const settled = reader<{ k: string }>({ url: databaseUrl(), table: t2, versionColumn: 'v', key: 'k', pollIntervalMs: 500, settleMs: 1_500 }, 10, settleClock);
  await settled.open();
  assert.deepEqual(await race(t2, settled, settleClock, 1_600), ['a', 'b'], 'with settleMs, both, in version order, once settled');
  await settled.close();
  assert.throws(() => sources.postgres({ url: 'x', table: 't', versionColumn: 'v', key: 'k', settleMs: 10 }), /settleMs goes with pollIntervalMs/);
});
