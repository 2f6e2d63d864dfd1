// The mistakes new users make first each get an error that says what is wrong and what to do.
// (An unknown CLI option: main.test.ts; a job stopped with a savepoint reports 'stopped':
// savepoint-command.test.ts and test/ui/rest-api.test.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamEnvironment, sinks } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { tempDir } from './run-eddy.ts';

const [root, cleanup] = tempDir();
after(cleanup);

test('a file sink whose path is a file, in a job with exactly-once checkpoints: the sink is named and the reason given', async () => {
  const dir = join(root, 'file-in-the-way');
  mkdirSync(dir);
  writeFileSync(join(dir, 'counts.jsonl'), '{"left":"by a run without checkpoints"}\n');
  const env = StreamEnvironment.create({ log: () => {}, checkpoints: { dir: join(dir, 'ckpt'), intervalMs: 60_000 } });
  env.fromCollection([1, 2, 3], undefined, 'numbers').sinkTo(sinks.jsonl(join(dir, 'counts.jsonl'))).name('counts');
  await assert.rejects(env.execute('counts'), (e: Error) => {
    assert.equal(e.message,
      `sink 'counts': ${join(dir, 'counts.jsonl')} is a file, but with exactly-once checkpoints a file sink writes a directory of part files at its path `
        + '(part-<checkpoint>-<n>, each published when its checkpoint completes), so it cannot create that directory. '
        + 'Move or delete the file (the output of a run without checkpoints?), or give the sink a path of its own.');
    assert.equal((e.cause as NodeJS.ErrnoException).code, 'EEXIST');
    return true;
  });
});

test('a file sink whose path is a directory of part files, in a job without checkpoints: the sink is named and the reason given', async () => {
  const dir = join(root, 'directory-in-the-way');
  mkdirSync(join(dir, 'counts.jsonl'), { recursive: true });
  const env = StreamEnvironment.create();
  env.fromCollection([1, 2, 3], undefined, 'numbers').sinkTo(sinks.jsonl(join(dir, 'counts.jsonl'))).name('counts');
  await assert.rejects(env.execute('counts'), new RegExp(
    `^Error: sink 'counts': ${join(dir, 'counts.jsonl')} is a directory \\(the part files of a run with exactly-once checkpoints\\?\\), `
      + 'but without exactly-once checkpoints a file sink writes one file at its path\\. Move or delete the directory, or give the sink another path\\.$',
  ));
});

test('driver.output of a stream built on another environment is refused, naming the stream', () => {
  const env = StreamEnvironment.create();
  env.fromCollection([1, 2, 3], undefined, 'numbers').sinkTo(sinks.collect());
  const other = StreamEnvironment.create();
  const doubled = other.fromCollection([1], undefined, 'elsewhere').map((n) => n * 2).name('doubled');
  const driver = StreamTestDriver.create(env);
  assert.throws(() => driver.output(doubled), {
    message: "driver.output(): 'doubled' was built on another StreamEnvironment than the one this driver runs; "
      + 'pass a stream of the environment given to StreamTestDriver.create(env) (a function that builds the job should take env as a parameter and return its streams)',
  });
  const sink = other.fromCollection([1], undefined, 'more').sinkTo(sinks.collect()).name('elsewhere-out');
  assert.throws(() => driver.output(sink), /^Error: driver\.output\(\): 'elsewhere-out' was built on another StreamEnvironment/);
});

test('driver.output of a sink name that does not exist lists the sinks there are', () => {
  const env = StreamEnvironment.create();
  const numbers = env.fromCollection([1, 2, 3], undefined, 'numbers');
  numbers.sinkTo(sinks.collect()).name('counts');
  numbers.map((n) => -n).sinkTo(sinks.collect()).name('late-clicks');
  const driver = StreamTestDriver.create(env);
  assert.throws(() => driver.output('count'), {
    message: "no sink named 'count'; the job's sinks are 'counts', 'late-clicks' (a sink is named with .sinkTo(sink).name('counts'); or pass the stream or the sink's handle)",
  });
});
