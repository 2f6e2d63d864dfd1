// The source and sink conformance suites (eddy/testing) against every embedded connector: files
// (JSON Lines, CSV, text), collections, generators, Nexmark, and the collect and console sinks.
// (Kafka and PostgreSQL: test/kafka and test/postgres, against their real servers.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sink, sinks, sources } from 'eddy';
import { type ConformanceCheck, type SinkConformanceSubject, sinkConformance, sourceConformance } from 'eddy/testing';
import { fileSource } from '../../src/connectors/file/file-source.ts';
import { textFileSink } from '../../src/connectors/file/text-file-sink.ts';
import { publishedLines } from './file-line-sinks.ts';

const root = mkdtempSync(join(tmpdir(), 'eddy-conformance-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const fresh = (): string => join(root, `d${dirs++}`);

function register(name: string, checks: readonly ConformanceCheck[]): void {
  for (const c of checks) test(`${name}: ${c.name}`, { skip: c.skip }, c.run);
}

interface Row { id: number; word: string }
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i, word: `w${i}` }));

// --- sources ---

/** Three files (three splits), with bad lines among the good ones where the format has them. */
function writeFiles(lines: (file: number) => string[]): string {
  const dir = fresh();
  mkdirSync(dir);
  for (let f = 0; f < 3; f++) writeFileSync(join(dir, `part-${f}.txt`), `${lines(f).join('\n')}\n`);
  return dir;
}

const jsonlDir = writeFiles((f) => [...rows(7).map((r) => JSON.stringify({ ...r, id: f * 10 + r.id })), '{oops', '[1,']);
register('jsonl source', sourceConformance({ name: 'jsonl', source: () => sources.jsonl<Row>(jsonlDir), records: 21, deadLetters: 6 }));

const csvDir = writeFiles((f) => ['id,word', ...rows(8).map((r) => `${f * 10 + r.id},${r.word}`), 'seven,x']);
register('csv source', sourceConformance({ name: 'csv', source: () => sources.csv<Row>(csvDir, { types: { id: 'number' } }), records: 24, deadLetters: 3 }));

const textDir = writeFiles((f) => [...rows(6).map((r) => `${f}:${r.word}`), '# a comment the format rejects']);
const textFormat = {
  kind: 'text', hasHeader: false,
  parse(line: string): string {
    if (line.startsWith('#')) throw new Error('a comment line, not a record');
    return line;
  },
};
register('text source', sourceConformance({ name: 'text', source: () => fileSource(textDir, textFormat), records: 18, deadLetters: 3 }));

register('collection source', sourceConformance({
  name: 'collection', source: () => sources.collection(rows(20)), records: 20, deadLetters: { skip: 'holds values, not text: it never rejects input' },
}));

register('generator source', sourceConformance({
  name: 'generator', source: () => sources.generator({ count: 25, splits: 3, generate: (i) => ({ id: i, word: `w${i}` }) }),
  records: 25, deadLetters: { skip: 'generated records: it never rejects input' },
}));

register('nexmark source', sourceConformance({
  name: 'nexmark', source: () => sources.nexmark({ events: 30, splits: 2 }), records: 30, deadLetters: { skip: 'generated events: it never rejects input' },
}));

// --- sinks ---

/** A file sink's subject: its path is a file (plain writes) or a directory of part files (exactly-once). */
function fileSink<T>(name: string, records: readonly T[], make: (path: string) => Sink<T>, parse: (line: string) => T, header = false): SinkConformanceSubject<T> {
  return {
    name,
    records,
    destination: () => {
      const path = join(fresh(), `out.${name}`);
      return { sink: () => make(path), published: () => publishedLines(path, header).map(parse) };
    },
  };
}


const jsonlSink = fileSink('jsonl', rows(12), (p) => sinks.jsonl<Row>(p), (l) => JSON.parse(l) as Row);
register('jsonl sink', await sinkConformance(jsonlSink));

const csvSink = fileSink('csv', rows(12), (p) => sinks.csv<Row>(p), (l) => {
  const [id, word] = l.split(',');
  return { id: Number(id), word };
}, true);
register('csv sink', await sinkConformance(csvSink));

const textSink = fileSink('text', rows(12).map((r) => r.word), (p) => textFileSink(p, { kind: 'text', line: (v: string) => v }), (l) => l);
register('text sink', await sinkConformance(textSink));

register('collect sink', await sinkConformance<Row>({
  name: 'collect',
  records: rows(12),
  destination: () => {
    const sink = sinks.collect<Row>();
    return { sink: () => sink, published: () => sink.values };
  },
}));

register('console sink', await sinkConformance<Row>({
  name: 'console',
  records: rows(12),
  destination: () => {
    // Lines of this destination's records are kept; everything else (the test reporter) passes on.
    const marker = `console-${dirs++}`;
    const seen: Row[] = [];
    const original = process.stdout.write;
    process.stdout.write = function (this: typeof process.stdout, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : String(chunk);
      if (!text.includes(marker)) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      for (const line of text.split('\n')) if (line !== '') seen.push((JSON.parse(line) as { row: Row }).row);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    } as typeof process.stdout.write;
    return {
      sink: () => sinks.console<Row>((row) => JSON.stringify({ marker, row })),
      published: () => seen,
      dispose: () => {
        process.stdout.write = original;
      },
    };
  },
}));

// --- the suites catch what they claim to ---

test('the source suite rejects a reader whose seek loses its place', async () => {
  const forgetful = () => {
    const s = sources.collection(rows(10));
    return { ...s, createReader: (ctx: Parameters<typeof s.createReader>[0]) => Object.assign(s.createReader(ctx), { seek: () => {} }) };
  };
  const check = sourceConformance({ name: 'forgetful', source: forgetful, records: 10, deadLetters: { skip: 'none' } }).find((c) => c.name.startsWith('positions'))!;
  await assert.rejects(check.run(), /resumed at the position after read/);
});

test('the sink suite rejects a two-phase writer whose repeated commit publishes again', async () => {
  const doubling = fileSink('jsonl', rows(6), (p) => {
    const s = sinks.jsonl<Row>(p);
    return {
      ...s,
      createWriter: (ctx) => {
        const w = s.createWriter(ctx);
        const commit = w.commit!.bind(w);
        let commits = 0;
        // The second commit of a token writes its records again, as a careless sink might.
        return Object.assign(w, {
          commit: async (id: number, token: unknown) => {
            await commit(id, token);
            if (++commits === 2) {
              w.write(rows(2), [0, 0], 2);
              await commit(id, await w.preCommit!(id));
            }
          },
        });
      },
    };
  }, (l) => JSON.parse(l) as Row);
  const check = (await sinkConformance(doubling)).find((c) => c.name.includes('commit repeated'))!;
  await assert.rejects(check.run(), /a repeated commit publishes nothing twice/);
});
