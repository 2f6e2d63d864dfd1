import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runEddy } from './run-eddy.ts';

test('--help prints the usage on stdout', async () => {
  const ran = await runEddy(['--help']);
  assert.equal(ran.code, 0);
  assert.match(ran.stdout, /^Usage: eddy <command>/);
  assert.match(ran.stdout, /run <job\.ts>/);
  assert.match(ran.stdout, /explain <job\.ts>/);
});

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const ran = await runEddy(['--version']);
  assert.equal(ran.code, 0);
  assert.equal(ran.stdout, `eddy ${version}\n`);
});

test('an unknown command or option: what is wrong and one line of help on stderr, exit 2', async () => {
  const command = await runEddy(['deploy', 'job.ts']);
  assert.equal(command.code, 2);
  assert.equal(command.stderr, "eddy: unknown command 'deploy'\nRun 'eddy --help' for the commands and their options.\n");
  assert.equal(command.stdout, '');
  const option = await runEddy(['run', 'test/cli/fixtures/double-job.ts', '--qiuet']);
  assert.equal(option.code, 2);
  assert.equal(option.stderr, "eddy: unknown option '--qiuet' (did you mean --quiet?)\nRun 'eddy --help' for the commands and their options.\n");
});

test('no command at all: the whole usage on stderr, exit 2', async () => {
  const ran = await runEddy([]);
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /^eddy: no command given\n\nUsage: eddy/);
});

test('a missing job file: a clear error, exit 2', async () => {
  const ran = await runEddy(['run', 'test/cli/fixtures/no-such-job.ts']);
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /^eddy run: no job file at 'test\/cli\/fixtures\/no-such-job\.ts' \(looked for .*no-such-job\.ts\)\n$/);
});
