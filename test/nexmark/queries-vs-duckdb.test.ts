/**
 * The Nexmark queries in Eddy against the reference SQL run by DuckDB over the same events: each
 * run's events are written to a JSON Lines file, Eddy runs each query from `sources.nexmark` to
 * `sinks.collect`, and the two results must be equal as multisets.
 *
 * Two runs of 100,000 events. In the first, events are in order. In the second they are shuffled
 * in groups of 15,000 (15 s of event time): with Flink's 4 s watermark delay many bids reach q5
 * after some of their windows have fired (and some after all of them). The SQL computes, from the
 * arrival order and the source's batches, the watermark each bid meets, and leaves those
 * (bid, window) pairs out. q11 runs there with a watermark 15 s behind, the shuffle's whole span,
 * so that no bid is late: a late bid's effect on merged sessions depends on what has fired, which
 * a batch query cannot see; the test checks that nothing was late.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StreamEnvironment, sinks, type JobResult, type NexmarkSourceOptions } from 'eddy';
import { nexmarkEvents, WATERMARK_DELAY_MS } from '../../examples/nexmark/nexmark-events.ts';
import { q0, q1, q11, q2, q3, q4, q5, q7, q8, type NexmarkQuery, type Q4Result } from '../../examples/nexmark/queries/index.ts';
import { DuckDbOracle, writeEventsFile, type Row } from './duckdb-oracle.ts';

const BATCH_SIZE = 1024;
const EVENTS = 100_000;

interface Run {
  readonly name: string;
  readonly generator: Omit<NexmarkSourceOptions, 'events' | 'rate' | 'splits'>;
  /** Splits for the queries whose result does not depend on watermarks (q0-q2, q11 when nothing is late). */
  readonly splits: number;
  /** A watermark delay at which no event is late. */
  readonly noLateDelayMs: number;
}

const RUNS: Run[] = [
  { name: 'in order', generator: { firstEventRate: 2_000 }, splits: 1, noLateDelayMs: WATERMARK_DELAY_MS },
  { name: 'shuffled in groups of 15,000', generator: { firstEventRate: 1_000, outOfOrderGroupSize: 15_000 }, splits: 2, noLateDelayMs: 15_000 },
];

async function runEddy<R>(query: NexmarkQuery<R>, options: NexmarkSourceOptions, delayMs: number): Promise<{ rows: R[]; result: JobResult }> {
  const env = StreamEnvironment.create({ batchSize: BATCH_SIZE });
  const out = sinks.collect<R>();
  query(env, nexmarkEvents(env, options, delayMs)).sinkTo(out);
  const result = await env.execute('nexmark-vs-duckdb');
  return { rows: out.values, result };
}

/** A row as text with its fields in a fixed order, so that equal rows are equal strings. */
function canonical(row: object): string {
  return JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function assertSameMultiset(actual: readonly object[], expected: readonly Row[], what: string): void {
  const counts = new Map<string, number>();
  for (const r of expected) counts.set(canonical(r), (counts.get(canonical(r)) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of actual) {
    const k = canonical(r);
    const c = counts.get(k) ?? 0;
    if (c === 0) extra.push(k);
    else counts.set(k, c - 1);
  }
  const missing = [...counts].filter(([, c]) => c > 0).map(([k]) => k);
  if (extra.length > 0 || missing.length > 0) {
    assert.fail(`${what}: Eddy gave ${actual.length} rows, DuckDB ${expected.length}; ${extra.length} rows only in Eddy, `
      + `e.g. ${extra.slice(0, 3).join(' ')}; ${missing.length} only in DuckDB, e.g. ${missing.slice(0, 3).join(' ')}`);
  }
}

for (const run of RUNS) {
  describe(`Nexmark vs DuckDB, ${EVENTS} events ${run.name}`, () => {
    let dir: string;
    let oracle: DuckDbOracle;
    const options = (splits: number): NexmarkSourceOptions => ({ ...run.generator, events: EVENTS, splits });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'eddy-nexmark-'));
      const file = join(dir, 'events.jsonl');
      writeEventsFile(file, EVENTS, run.generator);
      oracle = await DuckDbOracle.open(file, BATCH_SIZE);
    });
    after(() => {
      oracle?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const stateless: [string, NexmarkQuery<any>][] = [['q0', q0], ['q1', q1], ['q2', q2]];
    for (const [name, query] of stateless) {
      test(`${name} equals the reference SQL (${run.splits} split${run.splits > 1 ? 's' : ''})`, async () => {
        const { rows } = await runEddy<object>(query, options(run.splits), run.noLateDelayMs);
        const expected = await oracle.query(name);
        assert.ok(expected.length > 0, 'the reference selects some bids');
        assertSameMultiset(rows, expected, name);
      });
    }

    test('q5 equals the reference SQL, less the windows that had fired when a bid arrived', async () => {
      const { rows, result } = await runEddy(q5, options(1), WATERMARK_DELAY_MS);
      const expected = await oracle.query('q5', WATERMARK_DELAY_MS);
      const [late] = await oracle.query('q5-late', WATERMARK_DELAY_MS);
      assert.ok(expected.length >= 20, `q5 has a row per window at least; got ${expected.length}`);
      assertSameMultiset(rows, expected, 'q5');
      // Bids too late for every one of their windows are the ones the window operator reports.
      assert.equal(result.metrics.lateDropped, late.late_bids);
      if (run.generator.outOfOrderGroupSize === undefined) assert.equal(late.late_pairs, 0);
      else assert.ok((late.late_pairs as number) > 0 && (late.late_bids as number) > 0, `late data in this run: ${JSON.stringify(late)}`);
    });

    test(`q3 equals the reference SQL (a regular join; ${run.splits} split${run.splits > 1 ? 's' : ''})`, async () => {
      const { rows } = await runEddy(q3, options(run.splits), run.noLateDelayMs);
      const expected = await oracle.query('q3');
      assert.ok(expected.length > 10, `some sellers; got ${expected.length}`);
      assertSameMultiset(rows, expected, 'q3');
    });

    test('q4: the last average per category equals the reference SQL (nothing late)', async () => {
      const { rows, result } = await runEddy(q4, options(1), run.noLateDelayMs);
      const last = new Map<number, Q4Result>();
      for (const r of rows) last.set(r.category, r);
      const expected = await oracle.query('q4');
      assert.equal(expected.length, 5, 'categories 10-14');
      assertSameMultiset([...last.values()], expected, 'q4');
      assert.equal(result.metrics.operators.find((o) => o.name === 'q4-winning-bids')?.unconsumedSideOutput, 0, 'no late auctions or bids');
    });

    test('q7 equals the reference SQL (a window max joined back by an interval join; nothing late)', async () => {
      const { rows, result } = await runEddy(q7, options(1), run.noLateDelayMs);
      const expected = await oracle.query('q7');
      assert.ok(expected.length >= 5, `a bid per 10 s window at least; got ${expected.length}`);
      assertSameMultiset(rows, expected, 'q7');
      assert.equal(result.metrics.lateDropped, 0);
    });

    test('q8 equals the reference SQL (a window join of persons and sellers; nothing late)', async () => {
      const { rows, result } = await runEddy(q8, options(1), run.noLateDelayMs);
      const expected = await oracle.query('q8');
      assert.ok(expected.length > 10, `some new sellers; got ${expected.length}`);
      assertSameMultiset(rows, expected, 'q8');
      assert.equal(result.metrics.lateDropped, 0);
    });

    test(`q11 equals the reference SQL (sessions by window functions; ${run.splits} split${run.splits > 1 ? 's' : ''}, nothing late)`, async () => {
      const { rows, result } = await runEddy(q11, options(run.splits), run.noLateDelayMs);
      const expected = await oracle.query('q11');
      assert.ok(expected.length > 1_000, `many sessions; got ${expected.length}`);
      assertSameMultiset(rows, expected, 'q11');
      assert.equal(result.metrics.lateDropped, 0);
    });
  });
}
