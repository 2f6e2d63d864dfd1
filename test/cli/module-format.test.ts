// A job file written as an ES module (imports, top-level `await env.execute()`) runs under
// `eddy run` wherever it lives, as Node itself would run it: in a folder with no package.json, and
// in one whose package.json does not say "type": "module". Before, tsx compiled such a file to
// CommonJS and the top-level await failed ("Cannot require() ES Module ... in a cycle").
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEddy, tempDir } from './run-eddy.ts';

const [root, cleanup] = tempDir();
after(cleanup);

const JOB = `import { StreamEnvironment, sinks } from 'eddy';
import { double } from './double.ts';

const env = StreamEnvironment.create();
env.fromCollection([1, 2, 3], undefined, 'numbers').map(double).sinkTo(sinks.jsonl('doubled.jsonl'));
const result = await env.execute('doubled');
console.log(\`status \${result.status}\`);
`;
const DOUBLE = 'export function double(n: number): number {\n  return n * 2;\n}\n';

for (const [shape, packageJson] of [
  ['a folder with no package.json', null],
  ['a folder whose package.json has no "type"', JSON.stringify({ name: 'my-jobs', version: '1.0.0', private: true })],
] as const) {
  test(`eddy run: a job file with top-level await in ${shape}`, { timeout: 120_000 }, async () => {
    const dir = join(root, packageJson === null ? 'no-package-json' : 'package-without-type');
    mkdirSync(dir);
    writeFileSync(join(dir, 'job.ts'), JOB);
    writeFileSync(join(dir, 'double.ts'), DOUBLE);
    if (packageJson !== null) writeFileSync(join(dir, 'package.json'), packageJson);
    // Type-checked first (the check must agree that the file is an ES module), then run.
    const ran = await runEddy(['run', 'job.ts', '--quiet'], { cwd: dir });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'status finished\n');
    assert.equal(readFileSync(join(dir, 'doubled.jsonl'), 'utf8'), '2\n4\n6\n');
    rmSync(join(dir, 'doubled.jsonl'));

    // The same in JavaScript (not type-checked), in a folder of its own: tsx takes job.ts for job.js.
    mkdirSync(join(dir, 'js'));
    writeFileSync(join(dir, 'js', 'job.js'), JOB.replace("'./double.ts'", "'./double.js'"));
    writeFileSync(join(dir, 'js', 'double.js'), 'export function double(n) {\n  return n * 2;\n}\n');
    const js = await runEddy(['run', 'js/job.js', '--quiet'], { cwd: dir });
    assert.equal(js.code, 0, js.stderr);
    assert.equal(readFileSync(join(dir, 'doubled.jsonl'), 'utf8'), '2\n4\n6\n');
  });
}

test('eddy run: "type": "commonjs" is respected (the file is compiled to CommonJS, as tsx always did)', { timeout: 120_000 }, async () => {
  const dir = join(root, 'commonjs');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-jobs', type: 'commonjs' }));
  writeFileSync(join(dir, 'job.ts'), 'console.log(typeof require, typeof module);\n');
  const ran = await runEddy(['run', 'job.ts', '--no-check'], { cwd: dir });
  assert.equal(ran.code, 1, 'a file that starts no job is an error');
  assert.equal(ran.stdout, 'function object\n');
});
