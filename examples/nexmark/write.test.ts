/**
 * examples/nexmark/write.ts run as users run it (`eddy run write.ts -- ...`, a child process):
 * the file holds, line by line, the JSON of the generator's events (from --first-event on), and
 * reads back through sources.jsonl; the Kafka variant (real broker, KAFKA_BROKERS) writes N records
 * keyed by entity that a sources.kafka job reads back equal to the generator's events, each
 * partition in generator order.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { StreamEnvironment, WatermarkStrategy, sinks, sources, type NexmarkEvent } from 'eddy';
import { nexmarkConfig, nexmarkEvent } from '../../src/connectors/nexmark/index.ts';
import { brokers, uniqueName } from '../../test/kafka/kafka-test-env.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the writer through the CLI; resolves with its output, rejects with its stderr on failure. */
async function write(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['bin/eddy.mjs', 'run', 'examples/nexmark/write.ts', '--quiet', '--', ...args],
    { cwd: ROOT, timeout: 60_000, maxBuffer: 1 << 24 });
}

/** JSON of the generator's events first .. first + count - 1 (default configuration). */
function expectedLines(first: number, count: number): string[] {
  const config = nexmarkConfig();
  return Array.from({ length: count }, (_, i) => JSON.stringify(nexmarkEvent(config, first + i)));
}

const eventTime = (e: NexmarkEvent): number => (e.type === 2 ? e.bid.dateTime : e.type === 1 ? e.auction.dateTime : e.person.dateTime);
const entityKey = (e: NexmarkEvent): string => String(e.type === 2 ? e.bid.auction : e.type === 1 ? e.auction.id : e.person.id);

const tmp = (): string => mkdtempSync(join(tmpdir(), 'eddy-nexmark-write-'));

test('--out: N events as JSON lines, equal line by line to the generator\'s first N; sources.jsonl reads them back', { timeout: 90_000 }, async () => {
  const file = join(tmp(), 'events.jsonl');
  const { stdout } = await write(['--events', '3000', '--out', file]);
  assert.match(stdout, /events 0\.\.2999 \(3000\)/);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  assert.deepEqual(lines, expectedLines(0, 3000));
  // All three types are there (1:3:46), so the comparison covered each shape.
  assert.deepEqual(new Set(lines.map((l) => (JSON.parse(l) as NexmarkEvent).type)), new Set([0, 1, 2]));

  const env = StreamEnvironment.create({ log: () => {} });
  const out = sinks.collect<NexmarkEvent>();
  env.fromSource(sources.jsonl<NexmarkEvent>(file),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4_000).withTimestampAssigner(eventTime), 'events').sinkTo(out);
  await env.execute('read-back');
  assert.deepEqual(out.values.map((e) => JSON.stringify(e)), lines);
});

test('--first-event K: the file holds the generator\'s events K .. K+N-1', { timeout: 90_000 }, async () => {
  const file = join(tmp(), 'events.jsonl');
  await write(['--events', '1000', '--first-event', '123_456', '--out', file]);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop();
  assert.equal(lines.length, 1000);
  assert.deepEqual(lines, expectedLines(123_456, 1000));
  assert.notDeepEqual(lines[0], expectedLines(0, 1)[0]);
});

test('bad arguments fail with what is wrong', { timeout: 60_000 }, async () => {
  await assert.rejects(write(['--events', '10']), (e: { stderr: string }) => /either --out PATH .* or --kafka/.test(e.stderr));
  await assert.rejects(write(['--events', '10', '--kafka', '127.0.0.1:1']), (e: { stderr: string }) => /--kafka needs --topic/.test(e.stderr));
  await assert.rejects(write(['--events', 'ten', '--out', join(tmp(), 'x.jsonl')]), (e: { stderr: string }) => /--events must be an integer >= 0; got 'ten'/.test(e.stderr));
});

test('--kafka: N records keyed by entity id on P partitions; a sources.kafka job reads back the generator\'s events', { timeout: 120_000 }, async () => {
  const broker = brokers(); // fails with how to start the broker when KAFKA_BROKERS is unset
  const topic = uniqueName('nexmark-write');
  const n = 4000;
  const first = 777;
  await write(['--events', String(n), '--first-event', String(first), '--kafka', broker, '--topic', topic, '--partitions', '3']);

  interface Read { partition: number; offset: number; key: string; value: NexmarkEvent }
  const env = StreamEnvironment.create({ log: () => {} });
  const out = sinks.collect<Read>();
  env.fromSource(
    sources.kafka<Read, string, NexmarkEvent>({
      brokers: broker, topics: [topic], groupId: uniqueName('nexmark-read'), stopAtEnd: true,
      record: (r) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value }),
    }),
    WatermarkStrategy.forBoundedOutOfOrderness<Read>(4_000).withTimestampAssigner((r) => eventTime(r.value)),
    'events').sinkTo(out);
  await env.execute('read-back');

  const expected = expectedLines(first, n);
  const indexOf = new Map(expected.map((line, i) => [line, i]));
  assert.equal(indexOf.size, n, 'the generator\'s events are distinct');
  assert.equal(out.values.length, n, 'one record per event');
  const seen = new Set<number>();
  const partitionOfKey = new Map<string, number>();
  const lastIndex = new Map<number, number>();
  for (const r of [...out.values].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const i = indexOf.get(JSON.stringify(r.value));
    assert.ok(i !== undefined, `record ${r.partition}@${r.offset} is not one of the generator's events: ${JSON.stringify(r.value)}`);
    assert.ok(!seen.has(i), `event ${first + i} written twice`);
    seen.add(i);
    assert.equal(r.key, entityKey(r.value), 'keyed by the entity id');
    assert.equal(partitionOfKey.get(r.key) ?? r.partition, r.partition, `key ${r.key} on one partition`);
    partitionOfKey.set(r.key, r.partition);
    assert.ok(i > (lastIndex.get(r.partition) ?? -1), `partition ${r.partition} in generator order`);
    lastIndex.set(r.partition, i);
  }
  assert.equal(seen.size, n);
  assert.equal(new Set(partitionOfKey.values()).size, 3, 'the events spread over the 3 partitions');
});
