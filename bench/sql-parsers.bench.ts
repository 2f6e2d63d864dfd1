/**
 * The SQL parser measurement of docs/sql.md: each candidate parses the Nexmark reference queries
 * (test/sql/nexmark-reference, 25 files of Flink SQL); for each, how many parse, the time to load
 * it, the first parse, and the median and slowest parse time per file after warm-up.
 *
 * Candidates other than Eddy's own parser are not dependencies of Eddy; install them beside it
 * without saving (`npm install --no-save dt-sql-parser node-sql-parser`), or name a directory
 * whose node_modules has them: SQL_PARSER_CANDIDATES=/some/dir. Run:
 *   node --conditions=eddy-source --import tsx bench/sql-parsers.bench.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('../test/sql/nexmark-reference/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
const from = createRequire(join(process.env.SQL_PARSER_CANDIDATES ?? process.cwd(), 'package.json'));

interface Candidate {
  readonly name: string;
  /** Loads the parser; returns a function that throws on a syntax error. */
  load(): Promise<(sql: string) => void>;
}

const candidates: Candidate[] = [
  {
    name: 'Eddy (hand-written recursive descent)',
    async load() {
      const { parseSql } = await import('../src/sql/parse-sql.ts');
      return (sql) => void parseSql(sql);
    },
  },
  {
    name: 'dt-sql-parser (FlinkSQL, ANTLR 4)',
    async load() {
      const { FlinkSQL } = await import(pathToFileURL(from.resolve('dt-sql-parser')).href);
      const parser = new FlinkSQL();
      return (sql) => {
        const errors = parser.validate(sql);
        if (errors.length > 0) throw new Error(`line ${errors[0].startLine}:${errors[0].startColumn} ${errors[0].message}`);
      };
    },
  },
  {
    name: 'node-sql-parser (FlinkSQL build, PEG)',
    async load() {
      const mod = await import(pathToFileURL(from.resolve('node-sql-parser/build/flinksql.js')).href);
      const parser = new (mod.Parser ?? mod.default.Parser)();
      return (sql) => void parser.astify(sql, { database: 'FlinkSQL' });
    },
  },
];

const quiet = <T>(f: () => T): T => {
  // ANTLR's default listener prints every syntax error to the console.
  const error = console.error;
  console.error = () => {};
  try { return f(); } finally { console.error = error; }
};

for (const candidate of candidates) {
  let parse: (sql: string) => void;
  const t0 = performance.now();
  try {
    parse = await candidate.load();
  } catch (e) {
    console.log(`${candidate.name}: not installed (${(e as Error).message.split('\n')[0]})`);
    continue;
  }
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  quiet(() => { try { parse(texts[0]); } catch { /* counted below */ } });
  const firstMs = performance.now() - t1;
  const failed: string[] = [];
  quiet(() => texts.forEach((t, i) => { try { parse(t); } catch (e) { failed.push(`${files[i]}: ${(e as Error).message.split('\n')[0].slice(0, 120)}`); } }));
  const perFile: number[] = [];
  quiet(() => {
    for (const t of texts) {
      const s = performance.now();
      // A different text each time: dt-sql-parser keeps the last input's parse tree.
      for (let k = 0; k < 20; k++) { try { parse(`${t}\n-- ${k}`); } catch { /* timed all the same */ } }
      perFile.push((performance.now() - s) / 20);
    }
  });
  perFile.sort((a, b) => a - b);
  console.log(`${candidate.name}: ${files.length - failed.length}/${files.length} parse; load ${loadMs.toFixed(0)} ms, first parse ${firstMs.toFixed(1)} ms, `
    + `median ${perFile[perFile.length >> 1].toFixed(3)} ms, slowest ${perFile[perFile.length - 1].toFixed(3)} ms per file`);
  for (const f of failed) console.log(`  fails ${f}`);
}
