// Plan nodes hold factories for user function objects: each task (a scale-out partition, an
// attempt after a restart) gets an instance of its own, copied from the object as it was built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, WatermarkStrategy, sinks, sources, type KeyedProcessFunction, type Collector, type KeyedContext } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { instancePerTask } from '../../src/plan/function-factory.ts';

class Dedupe implements KeyedProcessFunction<string, string, string> {
  seen = new Set<string>();
  limits = { max: 3, tags: ['a'] };
  readonly created = new Date(5);
  readonly shared = new (class Client { calls = 0 })();
  processElement(v: string, _ctx: KeyedContext<string>, out: Collector<string>): void {
    if (!this.seen.has(v)) out.collect(v);
    this.seen.add(v);
  }
}

test('instancePerTask: the user object first, then copies of it as built: data fields deep, methods and class instances shared', () => {
  const user = new Dedupe();
  const make = instancePerTask(user);
  user.seen.add('mutated after the build'); // (the copies come from the object as it was built)
  assert.equal(make(), user);
  const a = make();
  const b = make();
  for (const c of [a, b]) {
    assert.ok(c instanceof Dedupe);
    assert.notEqual(c, user);
    assert.deepEqual([...c.seen], []);
    assert.notEqual(c.limits, user.limits);
    assert.notEqual(c.limits.tags, user.limits.tags);
    assert.deepEqual(c.limits, { max: 3, tags: ['a'] });
    assert.notEqual(c.created, user.created);
    assert.equal(c.created.getTime(), 5);
    assert.equal(c.shared, user.shared, 'a class instance (a client, a pool) is shared, not copied');
  }
  a.seen.add('x');
  assert.equal(b.seen.has('x'), false, 'two tasks never share a field');
  const lambda = (x: number) => x + 1;
  assert.equal(instancePerTask(lambda)(), lambda);
});

test('two tasks of one plan (two drivers here, partition tasks in scale-out) each run their own function object', () => {
  const env = StreamEnvironment.create();
  const fn = new Dedupe();
  const out = env.fromSource(sources.collection<string>([]), WatermarkStrategy.noWatermarks<string>(), 'in').keyBy((v) => v).process(fn);
  out.sinkTo(sinks.collect());
  const [one, two] = [StreamTestDriver.create(env), StreamTestDriver.create(env)];
  const [oneOut, twoOut] = [one.output(out), two.output(out)];
  one.input<string>('in').pushAll(['a', 'b']);
  two.input<string>('in').pushAll(['a', 'c', 'a']);
  assert.deepEqual(oneOut.take(), ['a', 'b']);
  assert.deepEqual(twoOut.take(), ['a', 'c'], "the second task does not see the first task's 'seen' set");
  assert.deepEqual([...fn.seen].sort(), ['a', 'b'], 'the first task ran the object the user built');
});
