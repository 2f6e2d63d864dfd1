// `eddy run` type-checks the job file first: a misspelt field must not run and write wrong
// results. Each test works in a fresh temporary folder (a job file of a user's, outside this
// repository), so the first check there is a real one and not answered by an earlier run's cache.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { checkBeforeLoading } from '../../src/cli/check-before-loading.ts';
import { checkJobFile } from '../../src/cli/job-check.ts';
import { CheckCache } from '../../src/cli/check-cache.ts';
import { ROOT, runEddy, tempDir } from './run-eddy.ts';

const [root, cleanup] = tempDir();
after(cleanup);
let folders = 0;
const folder = (files: Readonly<Record<string, string>>): string => {
  const dir = join(root, `project-${folders++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};

const clicksJob = (field: string) => `import { StreamEnvironment, sinks } from 'eddy';

interface Click { page: string; ts: number }
const env = StreamEnvironment.create();
env.fromCollection<Click>([{ page: '/home', ts: 1 }, { page: '/cart', ts: 2 }], undefined, 'clicks')
  .map((c) => ({ page: c.${field}, n: 1 }))
  .sinkTo(sinks.jsonl('pages.jsonl'));
await env.execute('pages');
`;

test('a job file with a misspelt field is refused with file:line and the compiler\'s words; --no-check runs it', { timeout: 120_000 }, async () => {
  const dir = folder({ 'job.ts': clicksJob('pgae') });
  const refused = await runEddy(['run', 'job.ts'], { cwd: dir });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /^eddy run: job\.ts does not compile, so it does not run \(1 error, TypeScript [\d.]+ \(Eddy's, from .*\) with Eddy's default options \(no tsconfig\.json found\); --no-check skips this check\):\n/);
  assert.match(refused.stderr, /^job\.ts:6:26 - error TS2339: Property 'pgae' does not exist on type 'Click'\.$/m);
  assert.equal(existsSync(join(dir, 'pages.jsonl')), false, 'the job did not run');

  // What the check is for: unchecked, the job runs and writes wrong results without a word.
  const unchecked = await runEddy(['run', 'job.ts', '--no-check'], { cwd: dir });
  assert.equal(unchecked.code, 0, unchecked.stderr);
  assert.equal(readFileSync(join(dir, 'pages.jsonl'), 'utf8'), '{"n":1}\n{"n":1}\n');
});

test('a second check of an unchanged job file is answered from the cache; a change is checked again', { timeout: 120_000 }, async () => {
  const dir = folder({ 'job.ts': clicksJob('page') });
  const first = await runEddy(['run', 'job.ts', '--verbose', '--quiet'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^eddy run: job\.ts type-checked with TypeScript .*: no errors \([\d.]+ m?s\)$/m);
  assert.equal(readFileSync(join(dir, 'pages.jsonl'), 'utf8'), '{"page":"/home","n":1}\n{"page":"/cart","n":1}\n');

  const second = await runEddy(['run', 'job.ts', '--verbose', '--quiet'], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /: no errors \(unchanged since its last check, [\d.]+ m?s\)$/m);

  writeFileSync(join(dir, 'job.ts'), clicksJob('ts'));
  const changed = await runEddy(['run', 'job.ts', '--verbose', '--quiet'], { cwd: dir });
  assert.equal(changed.code, 0, changed.stderr);
  assert.doesNotMatch(changed.stderr, /unchanged since its last check/);
});

test('the project\'s own TypeScript and tsconfig.json check the job file', { timeout: 120_000 }, async () => {
  // Implicitly typed parameters: an error under Eddy's strict defaults, allowed by this project's tsconfig.
  const job = `import { StreamEnvironment, sinks } from 'eddy';

function double(x) { return x * 2; }
const env = StreamEnvironment.create();
env.fromCollection([1, 2, 3], undefined, 'numbers').map(double).sinkTo(sinks.jsonl('doubled.jsonl'));
await env.execute('doubled');
`;
  const loose = folder({ 'job.ts': job });
  const strict = await runEddy(['run', 'job.ts'], { cwd: loose });
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(strict.stderr, /^job\.ts:3:17 - error TS7006: Parameter 'x' implicitly has an 'any' type\.$/m);

  // A stand-in for the project's own compiler: Eddy's TypeScript under another version number.
  const eddysTypeScript = createRequire(join(ROOT, 'package.json')).resolve('typescript');
  const project = folder({
    'job.ts': job,
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: false, target: 'es2022', module: 'preserve', moduleResolution: 'bundler', noEmit: true, types: [] } }),
    'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '5.9.3-project', main: 'lib/typescript.js' }),
    'node_modules/typescript/lib/typescript.js': `module.exports = require(${JSON.stringify(eddysTypeScript)});\n`,
  });
  const ran = await runEddy(['run', 'job.ts', '--verbose', '--quiet'], { cwd: project });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /^eddy run: job\.ts type-checked with TypeScript 5\.9\.3-project with tsconfig\.json: no errors/m);
  assert.equal(readFileSync(join(project, 'doubled.jsonl'), 'utf8'), '2\n4\n6\n');
});

test('errors in a file the job imports are reported too', { timeout: 120_000 }, async () => {
  const dir = folder({
    'job.ts': `import { StreamEnvironment, sinks } from 'eddy';\nimport { label } from './label.ts';\n\nconst env = StreamEnvironment.create();\nenv.fromCollection([1], undefined, 'n').map(label).sinkTo(sinks.collect());\nawait env.execute('labels');\n`,
    'label.ts': `export function label(n: number): string {\n  return n.toFixed(2).padStart('6');\n}\n`,
  });
  const check = checkJobFile(join(dir, 'job.ts'), { cwd: dir, cache: new CheckCache(join(dir, '.cache')) });
  assert.equal(check.kind, 'failed');
  assert.equal(check.kind === 'failed' && check.report, "label.ts:2:32 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.");
});

test('without any TypeScript to check with, eddy run says what to install and exits 2 without running', () => {
  const dir = folder({ 'job.ts': clicksJob('page') });
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => written.push(s) > 0) as typeof process.stderr.write;
  let code: number | null;
  try {
    code = checkBeforeLoading('run', pathToFileURL(join(dir, 'job.ts')).href, { verbose: false, cwd: dir, findTypeScript: () => null });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(code, 2);
  assert.equal(written.join(''),
    'eddy run: cannot type-check job.ts: TypeScript is not installed in this project (nor beside Eddy). '
      + 'Install it (npm install --save-dev typescript), or run with --no-check to run it unchecked.\n');
});

test('JavaScript job files are not type-checked', () => {
  assert.deepEqual(checkJobFile(join(root, 'job.mjs')), { kind: 'not-typescript' });
});
