import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/args.ts';

test('commands and their options', () => {
  assert.deepEqual(parseCommandLine(['run', 'job.ts']), { kind: 'run', file: 'job.ts', quiet: false, verbose: false });
  assert.deepEqual(parseCommandLine(['run', 'job.ts', '--quiet', '--verbose']), { kind: 'run', file: 'job.ts', quiet: true, verbose: true });
  assert.deepEqual(parseCommandLine(['-q', 'run', 'job.ts']), { kind: 'run', file: 'job.ts', quiet: true, verbose: false });
  assert.deepEqual(parseCommandLine(['explain', 'job.ts']), { kind: 'explain', file: 'job.ts', verbose: false });
  assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['run', '-h']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['help']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['-v']), { kind: 'version' });
});

test('usage errors say what is wrong', () => {
  const problem = (argv: string[]) => {
    const c = parseCommandLine(argv);
    return c.kind === 'invalid' ? c.problem : `not invalid: ${c.kind}`;
  };
  assert.equal(problem([]), 'no command given');
  assert.equal(problem(['deploy']), "unknown command 'deploy'");
  assert.equal(problem(['run']), 'run: no job file given');
  assert.equal(problem(['run', 'a.ts', 'b.ts']), "run: unexpected argument 'b.ts' (one job file at a time)");
  assert.equal(problem(['explain', 'a.ts', '--quiet']), 'explain: --quiet applies only to run');
  assert.match(problem(['run', 'a.ts', '--fast']), /Unknown option '--fast'/);
});
