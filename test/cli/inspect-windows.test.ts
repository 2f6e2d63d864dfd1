import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EventTimeSessionWindows, LmdbStateBackend, SlidingEventTimeWindows, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources } from 'eddy';
import { runEddy, tempDir } from './run-eddy.ts';

const [out, cleanup] = tempDir();
after(cleanup);

interface Ev { user: string; page: string; ts: number }
const HOUR = 3_600_000;
const BASE = Math.floor(1_700_000_000_000 / HOUR) * HOUR;

/**
 * A windowed job stopped with a savepoint while its windows are open: records one millisecond
 * apart from the start of an hour, so no hourly window and no session (gap: a day) has fired, and
 * every record read is in them. Returns the savepoint's path and how many records were read.
 */
async function savepointOfWindows(backend: 'heap' | 'lmdb'): Promise<{ path: string; read: number }> {
  const dir = join(out, backend);
  const env = StreamEnvironment.create({
    log: () => {}, batchSize: 100, checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 60_000 }, restore: { from: 'fresh' },
    ...(backend === 'lmdb' ? { stateBackend: LmdbStateBackend.inDirectory(join(dir, 'state')) } : {}),
  });
  const events = env.fromSource(sources.generator<Ev>({ ratePerSecond: 5_000, generate: (i) => ({ user: `u${i % 50}`, page: `/p${i % 7}`, ts: BASE + i }) }),
    WatermarkStrategy.forBoundedOutOfOrderness<Ev>(10_000).withTimestampAssigner((e) => e.ts), 'clicks');
  events.keyBy((e) => e.page).window(TumblingEventTimeWindows.of(HOUR)).count().uid('hourly').sinkTo(sinks.collect());
  events.keyBy((e) => e.user).window(EventTimeSessionWindows.withGap(24 * HOUR)).process<number>((_k, _w, els, o) => o.collect(els.length)).uid('sessions').sinkTo(sinks.collect());
  events.keyBy((e) => e.page).window(SlidingEventTimeWindows.of(HOUR, HOUR / 2)).count().uid('sliding').sinkTo(sinks.collect());
  const job = env.executeAsync(`windows-${backend}`);
  while (job.metrics().recordsIn < 3_000) await new Promise((r) => setTimeout(r, 20));
  const path = await job.stopWithSavepoint(join(dir, 'sp'));
  const result = await job.result;
  return { path, read: result.metrics.recordsIn };
}

for (const backend of ['heap', 'lmdb'] as const) {
  test(`eddy inspect shows the windows of a real savepoint, their sizes and contents (${backend})`, { timeout: 120_000 }, async () => {
    const { path, read } = await savepointOfWindows(backend);
    const summary = await runEddy(['inspect', path]);
    assert.equal(summary.code, 0, summary.stderr);
    const text = summary.stdout;
    // The session windows: every record read is in one of the 50 users' open sessions.
    const sessions = /^ {2}sessions {2}window '[^']+' {2}uid\n {4}files {6}local ([\d.]+) (B|KiB|MiB)(, keyed 1 full \+ 0 deltas ([\d.]+) (KiB|MiB))?\n(?: {4}keyed {6}(\d+) keys, [\d.]+ (?:B|KiB|MiB) in memory\n)? {4}windows {4}50 windows of 50 keys(, ([\d,]+) records| \(contents in keyed state\)), from (\S+) to (\S+)\n {4}timers {5}[\d,]+ timers?\n/m.exec(text);
    assert.ok(sessions, text);
    assert.ok(Number(sessions[1]) > 0, 'the local file has a size');
    if (backend === 'heap') {
      assert.equal(Number(sessions[8].replaceAll(',', '')), read, 'the records of the open windows, counted');
    } else {
      assert.equal(sessions[6], '50', 'the window contents are keyed state in LMDB: one entry per window');
      assert.ok(Number(sessions[4]) > 0);
    }
    assert.equal(sessions[9], new Date(BASE).toISOString());
    // The tumbling count: one pane, an accumulator per page.
    assert.match(text, new RegExp(`^ {2}hourly {2}window '[^']+' {2}uid\\n(.*\\n)* {4}panes {6}1 pane ${backend === 'heap' ? '\\(7 keys, 7 accumulators\\)' : '\\(contents in keyed state\\)'}, starting ${new Date(BASE).toISOString()}\\n {4}fired {6}windows ending up to \\S+\\n`, 'm'));
    assert.match(text, /^ {2}clicks\/key-by {2}key-by 'clicks\/key-by' {2}no uid \(found by name\)\n {4}no state {2}watermark /m);
    assert.doesNotMatch(text, /keys 0 {2}state 0 B/);

    // One operator's windows with their contents.
    const hourly = await runEddy(['inspect', path, '--operator', 'hourly']);
    assert.equal(hourly.code, 0, hourly.stderr);
    const counts = [...hourly.stdout.matchAll(/^ {2}"\/p\d" {2}pane starting \S+ {2}= (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(counts.length, 7, hourly.stdout);
    assert.equal(counts.reduce((a, b) => a + b, 0), read, 'the pane counts add up to the records read');
    const sliding = await runEddy(['inspect', path, '--operator', 'sliding']);
    assert.match(sliding.stdout, /^operator 'sliding': 1 pane of 7 keys \(7 accumulators\)$/m, sliding.stdout);

    const all = await runEddy(['inspect', path, '--operator', 'sessions']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^operator 'sessions': 50 windows of 50 keys \(the first 20 by start; --key KEY for one key's\)$/m);
    assert.equal([...all.stdout.matchAll(/^ {2}"u\d+" {2}\[/gm)].length, 20);
    const u7 = await runEddy(['inspect', path, '--operator', 'sessions', '--key', 'u7']);
    assert.equal(u7.code, 0, u7.stderr);
    const line = /^ {2}"u7" {2}\[(\S+), (\S+)\) {2}([\d,]+) records: \{"user":"u7","page":"\/p0","ts":(\d+)\}/m.exec(u7.stdout);
    assert.ok(line, u7.stdout);
    assert.equal(Number(line[4]), BASE + 7, 'the first record of u7');
    assert.equal(Number(line[3].replaceAll(',', '')), Math.floor((read - 8) / 50) + 1, 'u7 holds every 50th record from the 8th');
    const nobody = await runEddy(['inspect', path, '--operator', 'sessions', '--key', 'nobody']);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /operator 'sessions' has no state for key "nobody"/);
    const stateless = await runEddy(['inspect', path, '--operator', 'clicks/key-by']);
    assert.equal(stateless.code, 1);
    assert.match(stateless.stderr, /operator 'clicks\/key-by' \(key-by\) holds no state in this savepoint; operators with state: 'hourly', 'sessions', 'sliding'/);
  });
}
