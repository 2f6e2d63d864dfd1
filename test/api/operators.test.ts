import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, OutputTag, WatermarkStrategy, sinks, sources, OperatorError, type Sink } from 'eddy';

test('map, filter, flatMap, union, process with side outputs, rolling aggregates', async () => {
  const env = StreamEnvironment.create();
  const odd = new OutputTag<number>('odd');
  const nums = env.fromCollection([1, 2, 3, 4, 5]);
  const more = env.fromCollection([10]);
  const evens = nums.union(more).process<number>({
    processElement(v, ctx, out) {
      if (v % 2 === 1) ctx.output(odd, v);
      else out.collect(v);
    },
  });
  const words = env.fromCollection(['a b', 'c']).flatMap<string>((line, out) => line.split(' ').forEach((w) => out.collect(w)));
  const rolling = env.fromCollection([{ k: 'x', n: 1 }, { k: 'y', n: 5 }, { k: 'x', n: 2 }]).keyBy((r) => r.k);
  const outEvens = sinks.collect<number>();
  const outOdd = sinks.collect<number>();
  const outWords = sinks.collect<string>();
  const outSum = sinks.collect<{ key: string; value: number }>();
  const outMax = sinks.collect<{ key: string; value: number }>();
  const outReduce = sinks.collect<{ k: string; n: number }>();
  evens.map((v) => v * 10).filter((v) => v > 20).sinkTo(outEvens);
  evens.getSideOutput(odd).sinkTo(outOdd);
  words.sinkTo(outWords);
  rolling.sum((r) => r.n).sinkTo(outSum);
  rolling.max((r) => r.n).sinkTo(outMax);
  rolling.reduce((a, b) => ({ k: a.k, n: a.n + b.n })).sinkTo(outReduce);
  await env.execute();
  assert.deepEqual(outEvens.values.sort((a, b) => a - b), [40, 100]);
  assert.deepEqual(outOdd.values, [1, 3, 5]);
  assert.deepEqual(outWords.values, ['a', 'b', 'c']);
  assert.deepEqual(outSum.values, [{ key: 'x', value: 1 }, { key: 'y', value: 5 }, { key: 'x', value: 3 }]);
  assert.deepEqual(outMax.values, [{ key: 'x', value: 1 }, { key: 'y', value: 5 }, { key: 'x', value: 2 }]);
  assert.deepEqual(outReduce.values, [{ k: 'x', n: 1 }, { k: 'y', n: 5 }, { k: 'x', n: 3 }]);
});

test('an error in user code names the operator and where its input came from', async () => {
  const env = StreamEnvironment.create();
  env.fromSource(sources.generator({ count: 10, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers')
    .map((n) => {
      if (n === 7) throw new Error('seven is not allowed');
      return n;
    })
    .name('reject-seven')
    .sinkTo(sinks.collect());
  await assert.rejects(env.execute(), (e: unknown) => {
    assert.ok(e instanceof OperatorError);
    assert.equal(e.operator, 'reject-seven');
    assert.match(e.message, /^operator 'reject-seven' failed on input from generator#7: seven is not allowed$/);
    return true;
  });
});

test('plans are validated: no sink, dangling operators, duplicate uids and source names', () => {
  const e1 = StreamEnvironment.create();
  e1.fromCollection([1]);
  assert.throws(() => e1.executeAsync(), /job has no sink/);
  const e2 = StreamEnvironment.create();
  const s = e2.fromCollection([1]);
  s.sinkTo(sinks.collect());
  s.map((x) => x + 1).name('forgotten');
  assert.throws(() => e2.executeAsync(), /operator 'forgotten' has no consumer/);
  const e3 = StreamEnvironment.create();
  e3.fromCollection([1]).map((x) => x).uid('same').map((x) => x).uid('same').sinkTo(sinks.collect());
  assert.throws(() => e3.executeAsync(), /uid 'same' is used by both/);
  const e4 = StreamEnvironment.create();
  e4.fromCollection([1], undefined, 'x');
  assert.throws(() => e4.fromCollection([1], undefined, 'x'), /a source named 'x' already exists/);
  const e5 = StreamEnvironment.create();
  const m = e5.fromCollection([1]).map((x) => x);
  m.sinkTo(sinks.collect());
  assert.throws(() => m.name('late'), /must be called right after the operator/);
});

test('explain shows operators, chains and how records cross between them', () => {
  const env = StreamEnvironment.create();
  env.fromCollection([{ k: 'a' }], undefined, 'src').filter(() => true).name('keep').keyBy((r) => r.k).countWindow(2).count().sinkTo(sinks.collect()).name('out');
  const text = env.explain('j');
  assert.match(text, /Job 'j': 5 operators in 2 chains/);
  assert.match(text, /chain 1\n {2}#0 source 'src'.*\n {2}#1 filter 'keep'\n {2}#2 key-by/);
  assert.match(text, /chain 2 <- #2 \(hash by key\)\n {2}#3 window 'keep\/key-by\/window': GlobalWindows, trigger PurgingTrigger\(CountTrigger\(2\)\)\n {2}#4 sink 'out': collect\(\)$/);
});

test('a slow sink slows the source: the source is never more than a bounded number of batches ahead', async () => {
  const env = StreamEnvironment.create({ batchSize: 100 });
  let read = 0;
  let written = 0;
  let maxAhead = 0;
  const slow: Sink<number> = {
    kind: 'slow', describe: () => 'slow',
    createWriter: () => {
      let pending = 0;
      return {
        open: async () => {},
        write: (_v, _t, n) => { pending += n; },
        get backlog() { return pending; },
        capacity: 500,
        flush: async () => {
          await new Promise((r) => setImmediate(r));
          written += pending;
          pending = 0;
        },
        close: async () => {},
      };
    },
  };
  env.fromSource(sources.generator({ count: 20_000, generate: (i) => { read++; maxAhead = Math.max(maxAhead, read - written); return i; } }), WatermarkStrategy.noWatermarks(), 'g').sinkTo(slow);
  await env.execute();
  assert.equal(written, 20_000);
  assert.ok(maxAhead <= 700, `source ran ${maxAhead} records ahead of the sink`);
});

test('memory does not grow with input length for a stateless job', async () => {
  const run = async (count: number) => {
    const env = StreamEnvironment.create();
    let seen = 0;
    const counting: Sink<string> = {
      kind: 'count', describe: () => 'count',
      createWriter: () => ({ open: async () => {}, write: (_v, _t, n) => { seen += n; }, backlog: 0, capacity: 1, flush: async () => {}, close: async () => {} }),
    };
    env.fromSource(sources.generator({ count, generate: (i) => ({ id: i, pad: 'x'.repeat(50) }) }), WatermarkStrategy.noWatermarks(), 'g')
      .map((r) => `${r.id}:${r.pad}`).filter((s) => s.length > 0).sinkTo(counting);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
    await env.execute();
    clearInterval(timer);
    assert.equal(seen, count);
    return peak - before;
  };
  await run(100_000);
  const small = await run(200_000);
  const large = await run(2_000_000);
  assert.ok(large < small + 64 * 1024 * 1024, `heap grew ${Math.round(large / 1e6)} MB for 2M records vs ${Math.round(small / 1e6)} MB for 200k`);
});
