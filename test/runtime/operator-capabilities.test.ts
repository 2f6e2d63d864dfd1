// Operators declare what they do beyond open/process/close through small interfaces; the runtime
// finds them once. Map and filter declare nothing, so they are never woken for watermarks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks } from 'eddy';
import { RunningGraph } from '../../src/runtime/running-graph.ts';
import { capabilitiesOf } from '../../src/runtime/operator-capabilities.ts';

test('each operator shows the capabilities it has, and map and filter none', () => {
  const env = StreamEnvironment.create();
  const events = env.fromCollection<number>([], WatermarkStrategy.noWatermarks(), 'events');
  const mapped = events.map((x) => x + 1).name('map');
  const kept = mapped.filter((x) => x > 0).name('filter');
  const stamped = kept.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x)).name('stamp');
  const looked = stamped.asyncMap(async (x) => x).name('lookup');
  const counted = looked.keyBy((x) => x % 2).window(TumblingEventTimeWindows.of(10)).count().name('count');
  counted.sinkTo(sinks.collect());
  looked.keyBy((x) => x % 2).sum((x) => x).name('sum').sinkTo(sinks.collect());
  const rt = new RunningGraph(env.plan(), 'caps', env.runtimeOptions());
  const of = (name: string) => {
    const node = rt.nodes.find((n) => n.name === name)!;
    const c = capabilitiesOf(node.op);
    return Object.entries(c).filter(([, v]) => v !== null).map(([k, v]) => (k === 'watermarkPolicy' ? `${k}:${String(v)}` : k)).sort();
  };
  assert.deepEqual(of('map'), [], 'map is woken for nothing but batches');
  assert.deepEqual(of('filter'), []);
  assert.deepEqual(of('stamp'), ['afterBatch', 'watermarkPolicy:generate']);
  assert.deepEqual(of('lookup'), ['async', 'finishing', 'local', 'processingTime', 'watermarkPolicy:hold', 'watermarks']);
  assert.deepEqual(of('count'), ['local', 'watermarks'], 'aligned windows on the heap keep their panes as local state');
  assert.deepEqual(of('sum'), ['backend']);
  const sum = rt.nodes.find((n) => n.name === 'sum')!;
  assert.ok(sum.backend !== null && sum.local === null, 'the node keeps what the graph and its cut use');
  assert.equal(rt.nodes.find((n) => n.name === 'map')!.backend, null);
});
