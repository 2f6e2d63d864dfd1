// Every TypeScript block of the README and docs/ compiles against Eddy's public API as a user
// imports it, under the strict options `tsc --init` writes, and the blocks marked `<!-- run -->`
// run to their end, so that no snippet can go stale unnoticed. How to mark a block: code-blocks.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { allBlocks, extractBlocks } from './code-blocks.ts';
import { blockFile, typeCheck, type BlockFile } from './compile-blocks.ts';
import { runBlock } from './run-block.ts';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const blocks = allBlocks(root);
const compiled = blocks.filter((b) => b.skip === null);
const files = compiled.map((b) => blockFile(root, b));
const RUN_TIMEOUT_MS = 60_000;

test('the doc test finds the blocks and their directives', (t) => {
  const skipped = blocks.filter((b) => b.skip !== null);
  t.diagnostic(`${blocks.length} TypeScript blocks: ${compiled.length} compiled, ${files.filter((f) => f.block.run !== 'no').length} run, ${skipped.length} skipped`);
  for (const b of skipped) t.diagnostic(`  skipped ${b.doc}:${b.line}: ${b.skip}`);
  assert.ok(blocks.length >= 30, `found only ${blocks.length} blocks: is the extraction broken?`);
  assert.deepEqual(skipped.filter((b) => b.skip === '').map((b) => `${b.doc}:${b.line}`), [], 'a not-compiled block must say why: <!-- not-compiled: reason -->');
  assert.deepEqual(blocks.flatMap((b) => b.unknown.map((u) => `${b.doc}:${b.line}: <!-- ${u} -->`)), [], 'directives not understood');
  const named = files.filter((f) => f.block.fileName !== null).map((f) => f.path);
  assert.deepEqual(named.filter((p, i) => named.indexOf(p) !== i), [], 'two blocks of one Markdown file name the same file');
});

test('the extraction reads directives, preludes and indented blocks', () => {
  const md = [
    'text', '<!-- prelude', "import { sinks } from 'eddy';", '-->', '', '<!-- run -->', '```ts', '// job.ts', 'sinks.console();', '```',
    '- item', '  <!-- not-compiled: pseudo-code -->', '  ```typescript', '  a b c', '  ```', '```sh', 'npm test', '```',
    '<!-- run: sigterm, get /health /metrics -->', '```ts', 'serve();', '```', '<!-- run: twice -->', '```ts', 'x();', '```',
  ].join('\n');
  const [a, b, c, d, ...rest] = extractBlocks('x.md', md);
  assert.equal(rest.length, 0);
  assert.deepEqual({ run: c!.run, get: c!.get, unknown: c!.unknown }, { run: 'sigterm', get: ['/health', '/metrics'], unknown: [] });
  assert.deepEqual(d!.unknown, ['run: twice']);
  assert.deepEqual({ line: a!.line, prelude: a!.prelude, file: a!.fileName, run: a!.run, skip: a!.skip }, {
    line: 8, prelude: "import { sinks } from 'eddy';\n", file: 'job.ts', run: 'ends', skip: null,
  });
  assert.deepEqual({ line: b!.line, code: b!.code, skip: b!.skip }, { line: 14, code: 'a b c', skip: 'pseudo-code' });
});

test('every compiled block type-checks against the public API (one program)', () => {
  // A block that must fail proves the check can fail; it is compiled in the same program.
  const [broken] = extractBlocks('self-test.md', "```ts\nimport { StreamEnvironment } from 'eddy';\nStreamEnvironment.create({ batchSize: '8' });\n```");
  const errors = typeCheck([...files, blockFile(root, broken!)]);
  const own = errors.filter((e) => e.startsWith('self-test.md'));
  assert.equal(own.length, 1, `the self-test block should give exactly one error, got:\n${own.join('\n')}`);
  assert.match(own[0]!, /^self-test\.md:3:\d+ TS2322/);
  const real = errors.filter((e) => !e.startsWith('self-test.md'));
  assert.deepEqual(real, [], `code blocks that do not compile:\n${real.join('\n')}`);
});

for (const f of files.filter((x) => x.block.run !== 'no')) {
  test(`${f.block.doc}:${f.block.line} runs on embedded defaults and ends${f.block.run === 'sigterm' ? ' on SIGTERM' : ''}`, async (t) => {
    const siblings = files.filter((s: BlockFile) => s.block.doc === f.block.doc);
    const r = await runBlock(root, f, siblings, RUN_TIMEOUT_MS);
    for (const line of r.output.trimEnd().split("\n").slice(-6)) t.diagnostic(line);
    assert.equal(r.timedOut, false, `still running after ${RUN_TIMEOUT_MS} ms:\n${r.output}`);
    assert.equal(r.code, 0, `exit ${r.code ?? r.signal}:\n${r.output}`);
    assert.doesNotMatch(r.output, /^FAILED/m, r.output);
    for (const path of f.block.get) assert.match(r.output, new RegExp(`^GET ${path}: 200`, 'm'));
  });
}
