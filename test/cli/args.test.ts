import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/args.ts';

test('commands and their options', () => {
  assert.deepEqual(parseCommandLine(['run', 'job.ts']), { kind: 'run', file: 'job.ts', args: [], check: true, quiet: false, verbose: false, restore: null });
  assert.deepEqual(parseCommandLine(['run', 'job.ts', '--quiet', '--verbose']), { kind: 'run', file: 'job.ts', args: [], check: true, quiet: true, verbose: true, restore: null });
  assert.deepEqual(parseCommandLine(['-q', 'run', 'job.ts']), { kind: 'run', file: 'job.ts', args: [], check: true, quiet: true, verbose: false, restore: null });
  assert.deepEqual(parseCommandLine(['explain', 'job.ts']), { kind: 'explain', file: 'job.ts', args: [], check: true, verbose: false });
  assert.deepEqual(parseCommandLine(['run', 'job.ts', '--no-check']), { kind: 'run', file: 'job.ts', args: [], check: false, quiet: false, verbose: false, restore: null });
  assert.deepEqual(parseCommandLine(['explain', '--no-check', 'job.ts']), { kind: 'explain', file: 'job.ts', args: [], check: false, verbose: false });
  assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['run', '-h']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['help']), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['-v']), { kind: 'version' });
});

test('run and explain: everything after -- goes to the job file, flags included', () => {
  const args = (argv: string[]) => {
    const c = parseCommandLine(argv);
    return c.kind === 'run' || c.kind === 'explain' ? c.args : c;
  };
  assert.deepEqual(args(['run', 'job.ts', '--', 'in.csv', '--limit', '5', '-q', '--', 'x']), ['in.csv', '--limit', '5', '-q', '--', 'x']);
  assert.deepEqual(args(['run', '--quiet', 'job.ts', '--']), []);
  assert.deepEqual(args(['explain', 'job.ts', '--', '--help']), ['--help'], '--help after -- is the job\'s, not eddy\'s');
  const quiet = parseCommandLine(['run', 'job.ts', '--quiet', '--', '--verbose']);
  assert.deepEqual(quiet, { kind: 'run', file: 'job.ts', args: ['--verbose'], check: true, quiet: true, verbose: false, restore: null });
  const stray = parseCommandLine(['run', 'job.ts', 'in.csv']);
  assert.equal(stray.kind, 'invalid');
  assert.match((stray as { problem: string }).problem, /unexpected argument 'in\.csv'.*arguments for the job go after --: eddy run job\.ts -- in\.csv/);
  assert.deepEqual(parseCommandLine(['status', 'ckpt', '--', 'x']), { kind: 'invalid', problem: 'status: arguments after -- go to a job file; only run and explain take them' });
});

test('run: where jobs with checkpoints start', () => {
  const restore = (argv: string[]) => {
    const c = parseCommandLine(['run', 'job.ts', ...argv]);
    return c.kind === 'run' ? c.restore : c;
  };
  assert.deepEqual(restore(['--fresh']), { from: 'fresh' });
  assert.deepEqual(restore(['--from-savepoint', 'sp-1']), { from: 'path', path: 'sp-1', allowNonRestoredState: false });
  assert.deepEqual(restore(['--from-checkpoint', 'ckpt/chk-000003', '--allow-non-restored-state']),
    { from: 'path', path: 'ckpt/chk-000003', allowNonRestoredState: true });
});

test('savepoint, status and inspect', () => {
  assert.deepEqual(parseCommandLine(['savepoint', 'ckpt']), { kind: 'savepoint', dir: 'ckpt', to: null, stop: false, verbose: false });
  assert.deepEqual(parseCommandLine(['savepoint', 'ckpt', '--to', 'sp', '--stop']), { kind: 'savepoint', dir: 'ckpt', to: 'sp', stop: true, verbose: false });
  assert.deepEqual(parseCommandLine(['status', 'ckpt']), { kind: 'status', dir: 'ckpt', verbose: false });
  assert.deepEqual(parseCommandLine(['inspect', 'sp', '--operator', 'counter', '--key', '42']),
    { kind: 'inspect', path: 'sp', operator: 'counter', key: '42', verbose: false });
  assert.deepEqual(parseCommandLine(['inspect', 'sp']), { kind: 'inspect', path: 'sp', operator: null, key: null, verbose: false });
});

test('usage errors say what is wrong', () => {
  const problem = (argv: string[]) => {
    const c = parseCommandLine(argv);
    return c.kind === 'invalid' ? c.problem : `not invalid: ${c.kind}`;
  };
  assert.equal(problem([]), 'no command given');
  assert.equal(problem(['deploy']), "unknown command 'deploy'");
  assert.equal(problem(['rnu', 'a.ts']), "unknown command 'rnu' (did you mean run?)");
  assert.equal(problem(['run']), 'run: no job file given');
  assert.equal(problem(['run', 'a.ts', 'b.ts']), "run: unexpected argument 'b.ts' (one job file at a time; arguments for the job go after --: eddy run a.ts -- b.ts)");
  assert.equal(problem(['explain', 'a.ts', '--quiet']), 'explain: --quiet applies only to run');
  assert.equal(problem(['run', 'a.ts', '--fast']), "unknown option '--fast'");
  assert.equal(problem(['run', 'a.ts', '--qiuet']), "unknown option '--qiuet' (did you mean --quiet?)");
  assert.equal(problem(['run', 'a.ts', '--nocheck']), "unknown option '--nocheck' (did you mean --no-check?)");
  assert.equal(problem(['run', 'a.ts', '-x']), "unknown option '-x'");
  assert.equal(problem(['savepoint', 'ckpt', '--to']), '--to needs a value');
  assert.equal(problem(['explain', 'a.ts', '--no-check', '--quiet']), 'explain: --quiet applies only to run');
  assert.equal(problem(['run', 'a.ts', '--fresh', '--from-savepoint', 'sp']), 'run: --fresh and --from-savepoint contradict each other; give one');
  assert.equal(problem(['run', 'a.ts', '--allow-non-restored-state']), 'run: --allow-non-restored-state needs --from-checkpoint or --from-savepoint');
  assert.equal(problem(['run', 'a.ts', '--fresh', '--allow-non-restored-state']), 'run: --allow-non-restored-state does not apply to --fresh (nothing is restored)');
  assert.equal(problem(['explain', 'a.ts', '--fresh']), 'explain: --fresh applies only to run');
  assert.equal(problem(['savepoint']), 'savepoint: no checkpoint directory given');
  assert.equal(problem(['savepoint', 'ckpt', '--operator', 'x']), 'savepoint: --operator applies only to inspect');
  assert.equal(problem(['run', 'a.ts', '--stop']), 'run: --stop applies only to savepoint');
  assert.equal(problem(['inspect', 'sp', '--key', 'k']), 'inspect: --key needs --operator (keys belong to an operator)');
  assert.equal(problem(['toString']), "unknown command 'toString'");
});
