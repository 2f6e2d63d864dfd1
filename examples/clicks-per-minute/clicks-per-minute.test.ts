/**
 * clicks-per-minute: exact windows, late firings and the late output with the StreamTestDriver;
 * dead letters through a real file; and the whole job on the sample data against a brute-force count.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment, type DeadLetter, type WindowResult } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateClicks } from './make-data.ts';
import {
  ALLOWED_LATENESS_MS, OUT_OF_ORDERNESS_MS, WINDOW_MS, clicksPerMinute, parseClick, type Click, type ClicksPerMinutePaths,
} from './pipeline.ts';

type Count = WindowResult<string, number>;

const SAMPLE = fileURLToPath(new URL('data/clicks.jsonl', import.meta.url));

function pathsIn(dir: string, clicks: string): ClicksPerMinutePaths {
  return {
    clicks,
    counts: join(dir, 'counts.jsonl'),
    lateClicks: join(dir, 'late-clicks.jsonl'),
    deadLetters: join(dir, 'dead-letters.jsonl'),
  };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

/** The job under the test driver: the file paths are never opened, the driver feeds and captures. */
function drive() {
  const env = StreamEnvironment.create();
  const job = clicksPerMinute(env, pathsIn('unused', 'unused.jsonl'));
  const driver = StreamTestDriver.create(env);
  const counts = driver.output(job.counts);
  const late = driver.output(job.lateClicks);
  return { driver, counts, late, clicks: driver.input<Click>('clicks') };
}

const click = (ts: number, page: string, user = 'u1'): Click => ({ ts, page, user });

test('counts clicks per page per minute when the watermark (max ts - 5 s) passes the window end', () => {
  const { clicks, counts } = drive();
  clicks.push(click(1_000, '/home')).push(click(20_000, '/docs')).push(click(58_000, '/home'));
  clicks.push(click(61_000, '/home')); // watermark 55_999: the first minute is still open
  clicks.push(click(57_000, '/docs')); // 4 s out of order: within the bound, so on time
  assert.deepEqual(counts.values, []);
  clicks.push(click(66_000, '/pricing')); // watermark 60_999 >= 59_999: the first minute fires
  assert.deepEqual(counts.take(), [
    { key: '/home', start: 0, end: 60_000, value: 2 },
    { key: '/docs', start: 0, end: 60_000, value: 2 },
  ]);
  clicks.end();
  assert.deepEqual(counts.take(), [
    { key: '/home', start: 60_000, end: 120_000, value: 1 },
    { key: '/pricing', start: 60_000, end: 120_000, value: 1 },
  ]);
});

test('a late click within the 30 s allowed lateness re-fires its window; after that it goes to the late output', () => {
  const { driver, clicks, counts, late } = drive();
  clicks.push(click(10_000, '/docs')).push(click(70_000, '/home')); // watermark 64_999: minute 0 fires
  assert.deepEqual(counts.take(), [{ key: '/docs', start: 0, end: 60_000, value: 1 }]);

  clicks.push(click(30_000, '/docs')); // late, but 59_999 + 30_000 > 64_999: fires again with the new count
  assert.deepEqual(counts.take(), [{ key: '/docs', start: 0, end: 60_000, value: 2 }]);
  clicks.push(click(50_000, '/blog')); // a key the window had not seen: fires for that key alone
  assert.deepEqual(counts.take(), [{ key: '/blog', start: 0, end: 60_000, value: 1 }]);

  clicks.push(click(95_000, '/home')); // watermark 89_999 = 59_999 + 30_000: minute 0 is gone
  clicks.push(click(40_000, '/docs'));
  assert.deepEqual(counts.take(), []);
  assert.deepEqual(late.values, [click(40_000, '/docs')]);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  driver.endInput();
  assert.deepEqual(counts.take(), [{ key: '/home', start: 60_000, end: 120_000, value: 2 }]);
});

test('parseClick says what is wrong with a click', () => {
  assert.deepEqual(parseClick({ ts: 5, page: '/a', user: 'u9', extra: true }), { ts: 5, page: '/a', user: 'u9' });
  assert.throws(() => parseClick([1]), /a click must be a JSON object/);
  assert.throws(() => parseClick({ ts: '5', page: '/a', user: 'u' }), /ts must be epoch milliseconds \(a number\), got "5"/);
  assert.throws(() => parseClick({ ts: 5, user: 'u' }), /page must be a non-empty string, got nothing \(the field is missing\)/);
  assert.throws(() => parseClick({ ts: 5, page: '/a', user: 7 }), /user must be a string, got 7/);
});

// The test driver replaces sources by typed inputs, so a line never goes through the source's
// parser there; dead letters need a real file.
test('malformed lines go to the dead-letter file with file:line and the reason; the job goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clicks-per-minute-'));
  const input = join(dir, 'clicks.jsonl');
  writeFileSync(input, [
    '{"ts":1000,"page":"/a","user":"u1"}',
    '{"ts":2000,"page":"/b"',
    '{"ts":"3000","page":"/a","user":"u1"}',
    '["ts",4000]',
    '',
    '{"ts":5000,"page":"","user":"u2"}',
    '{"ts":6000,"page":"/a","user":"u2"}',
  ].join('\n'));
  const env = StreamEnvironment.create();
  const paths = pathsIn(dir, input);
  clicksPerMinute(env, paths);
  const result = await env.execute('clicks-per-minute');

  const dead = readJsonl<DeadLetter>(paths.deadLetters);
  assert.deepEqual(dead.map((d) => [d.operator, d.position, d.raw]), [
    ['clicks', `${input}:2`, '{"ts":2000,"page":"/b"'],
    ['clicks', `${input}:3`, '{"ts":"3000","page":"/a","user":"u1"}'],
    ['clicks', `${input}:4`, '["ts",4000]'],
    ['clicks', `${input}:6`, '{"ts":5000,"page":"","user":"u2"}'],
  ]);
  assert.match(dead[0].reason, /^invalid JSON: /);
  assert.deepEqual(dead.slice(1).map((d) => d.reason), [
    'ts must be epoch milliseconds (a number), got "3000"',
    'a click must be a JSON object',
    'page must be a non-empty string, got ""',
  ]);
  assert.equal(result.metrics.deadLetters, 4);
  assert.deepEqual(readJsonl<Count>(paths.counts), [{ key: '/a', start: 0, end: 60_000, value: 2 }]);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateClicks());
});

/**
 * The expected result computed the slow, obvious way: walk the clicks in file order, with the
 * watermark before each click being the highest timestamp so far minus the bound minus 1.
 */
function bruteForce(text: string) {
  const deadLines: number[] = [];
  const clicks: Click[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      clicks.push(parseClick(JSON.parse(line)));
    } catch {
      deadLines.push(i + 1);
    }
  });
  const counts = new Map<string, Count>();
  const late: Click[] = [];
  let lateFirings = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const c of clicks) {
    const watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    const start = Math.floor(c.ts / WINDOW_MS) * WINDOW_MS;
    const end = start + WINDOW_MS;
    if (end - 1 + ALLOWED_LATENESS_MS <= watermark) {
      late.push(c);
    } else {
      const id = `${c.page}@${start}`;
      counts.set(id, { key: c.page, start, end, value: (counts.get(id)?.value ?? 0) + 1 });
      if (end - 1 <= watermark) lateFirings++;
    }
    maxTs = Math.max(maxTs, c.ts);
  }
  return { clicks, deadLines, counts, late, lateFirings };
}

/** The last result emitted for each (page, window): the final count after any late firings. */
function finalCounts(results: Count[]): Map<string, Count> {
  const last = new Map<string, Count>();
  for (const r of results) last.set(`${r.key}@${r.start}`, r);
  return last;
}

const byId = (m: Map<string, Count>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// Eddy emits a source's watermark after each batch it reads. With batches of one record the run
// matches the click-by-click brute force exactly, late firings included; with the default 1,024 it
// must reach the same final counts (the sample's late clicks are late by a margin wider than a batch).
for (const batchSize of [1, 1024]) {
  test(`the job on the sample data matches a brute-force count (batches of ${batchSize})`, async () => {
    const expected = bruteForce(readFileSync(SAMPLE, 'utf8'));
    assert.equal(expected.clicks.length, 3_000);
    assert.equal(expected.late.length, 8);
    assert.equal(expected.deadLines.length, 3);

    const dir = mkdtempSync(join(tmpdir(), 'clicks-per-minute-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    clicksPerMinute(env, paths);
    const result = await env.execute('clicks-per-minute');

    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.recordsIn, expected.clicks.length);
    const counts = readJsonl<Count>(paths.counts);
    assert.deepEqual(byId(finalCounts(counts)), byId(expected.counts));
    if (batchSize === 1) {
      assert.ok(expected.lateFirings > 0, 'the sample has clicks within the allowed lateness');
      assert.equal(counts.length, expected.counts.size + expected.lateFirings);
    }
    assert.deepEqual(readJsonl<Click>(paths.lateClicks), expected.late);
    assert.deepEqual(readJsonl<DeadLetter>(paths.deadLetters).map((d) => d.position), expected.deadLines.map((n) => `${SAMPLE}:${n}`));
  });
}
