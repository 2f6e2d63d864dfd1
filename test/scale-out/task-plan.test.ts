import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, type KeyedProcessFunction } from 'eddy';
import { kafkaSinkOptions } from '../../src/connectors/kafka/kafka-sink.ts';
import { kafkaSourceOptions } from '../../src/connectors/kafka/kafka-source.ts';
import { autoRepartition } from '../../src/cluster/auto-repartition.ts';
import { scaleOutInputs, taskPlan } from '../../src/cluster/task-plan.ts';

interface Ev { k: string }
const brokers = '127.0.0.1:1';

function job(options: { input?: 'kafka' | 'collection'; output?: 'kafka' | 'jsonl' } = {}) {
  const env = StreamEnvironment.create();
  const fn: KeyedProcessFunction<string, Ev, Ev> & { tag: string } = { tag: 'fn', open() {}, processElement(e, _c, out) { out.collect(e); } };
  const src = options.input === 'collection'
    ? env.fromCollection<Ev>([{ k: 'a' }])
    : env.fromSource(sources.kafka<Ev>({ brokers, topics: ['in', 'side'], groupId: 'g' }), WatermarkStrategy.noWatermarks<Ev>(), 'in');
  src.keyBy((e) => e.k).process(fn).sinkTo(options.output === 'jsonl' ? sinks.jsonl<Ev>('/tmp/never.jsonl') : sinks.kafka<Ev>({ brokers, topic: 'out', transactionalIdPrefix: 'out' }));
  return { plan: env.plan(), fn };
}

test('the task plan of partition p pins every Kafka source to p, gives each Kafka sink its own transactional id, and leaves user functions to the node factories', () => {
  const { plan, fn } = job();
  assert.deepEqual(scaleOutInputs(plan, true), { brokers, topic: 'in', topics: ['in', 'side'] });
  const t3 = taskPlan(plan, 3, 'counts');
  const t4 = taskPlan(plan, 4, 'counts');
  const source = t3.nodes.find((n) => n.kind === 'source')!;
  assert.equal(source.kind === 'source' && kafkaSourceOptions(source.source)?.partitions?.join(), '3');
  assert.match(source.kind === 'source' ? source.source.describe() : '', /partitions 3 /);
  const sinkOf = (p: typeof t3) => p.nodes.find((n) => n.kind === 'sink')!;
  const s3 = sinkOf(t3);
  const s4 = sinkOf(t4);
  assert.equal(s3.kind === 'sink' && kafkaSinkOptions(s3.sink)?.transactionalIdPrefix, 'out-p3');
  assert.equal(s4.kind === 'sink' && kafkaSinkOptions(s4.sink)?.transactionalIdPrefix, 'out-p4');
  // Plan nodes hold a factory: each task's operator asks it for an instance of its own.
  const factoryOf = (p: typeof t3) => (p.nodes.find((n) => n.kind === 'keyed-process') as unknown as { fn: () => typeof fn }).fn;
  const first = factoryOf(t3)();
  const second = factoryOf(t4)();
  assert.equal(first, fn, 'the first task runs the object the user built');
  assert.notEqual(second, fn);
  assert.equal(second.tag, 'fn');
  assert.equal(second.processElement, fn.processElement);
  // The user's plan is untouched.
  const orig = plan.nodes.find((n) => n.kind === 'source')!;
  assert.equal(orig.kind === 'source' && kafkaSourceOptions(orig.source)?.partitions, undefined);
  assert.ok(Object.isFrozen(t3) && t3.nodes.every((n) => Object.isFrozen(n)));
});

test('scale-out refuses what it cannot split: non-Kafka sources, sinks without per-task transactions, keys not declared copartitioned', () => {
  assert.throws(() => scaleOutInputs(job({ input: 'collection' }).plan, true), /source 'collection' is a collection source; only sources.kafka/);
  assert.throws(() => scaleOutInputs(job({ output: 'jsonl' }).plan, true), /is a jsonl sink; each partition task needs its own exactly-once output/);
  assert.throws(() => scaleOutInputs(job().plan, false), /keys the stream.*kafkaRepartition\(env, stream.*copartitioned: true/s);
});

test('automatic repartition: each keyBy reads an internal topic that the stream before it writes, keyed by the key; ids and inputs stay consistent', () => {
  const { plan } = job();
  const out = autoRepartition(plan, 'counts', brokers);
  assert.deepEqual(out.nodes.map((n) => n.kind), ['source', 'sink', 'source', 'key-by', 'keyed-process', 'sink']);
  out.nodes.forEach((n, i) => assert.equal(n.id, i));
  const [src, write, read, keyBy] = out.nodes;
  assert.deepEqual(write.inputs, [src.id]);
  assert.deepEqual(keyBy.inputs, [read.id]);
  assert.deepEqual(out.nodes[4].inputs, [keyBy.id]);
  const topic = `counts-${keyBy.name}-repartition`.replace(/[^A-Za-z0-9._-]/g, '_');
  assert.equal(write.kind === 'sink' && kafkaSinkOptions(write.sink)?.topic, topic);
  assert.deepEqual(read.kind === 'source' && kafkaSourceOptions(read.source)?.topics, [topic]);
  const sinkKey = write.kind === 'sink' ? kafkaSinkOptions(write.sink)!.key! : () => null;
  assert.equal(sinkKey({ k: 'a' }), 'a');
  assert.deepEqual(scaleOutInputs(out, true).topics, ['in', 'side', topic]);
  // Event time does not cross the internal topic: refused with the way out.
  const env = StreamEnvironment.create();
  env.fromSource(sources.kafka<Ev>({ brokers, topics: ['in'], groupId: 'g' }), WatermarkStrategy.forMonotonousTimestamps<Ev>(), 'in')
    .keyBy((e) => e.k).window(TumblingEventTimeWindows.of(1000)).reduce((a) => a).sinkTo(sinks.kafka<Ev>({ brokers, topic: 'out' }));
  assert.throws(() => autoRepartition(env.plan(), 'w', brokers), /uses event time.*kafkaRepartition/s);
});

test('scale-out refuses broadcast state, windowAll, and joins of keys not declared copartitioned', () => {
  const kafkaIn = (env: StreamEnvironment, topic: string) =>
    env.fromSource(sources.kafka<Ev>({ brokers, topics: [topic], groupId: 'g' }), WatermarkStrategy.noWatermarks<Ev>(), topic);
  const out = () => sinks.kafka<unknown>({ brokers, topic: 'out', transactionalIdPrefix: 'out' });

  const broadcast = StreamEnvironment.create();
  kafkaIn(broadcast, 'in').keyBy((e) => e.k).connect(kafkaIn(broadcast, 'rules').broadcast())
    .process({ processElement() {}, processBroadcastElement() {} }).sinkTo(out());
  assert.throws(() => scaleOutInputs(broadcast.plan(), true), /broadcast state, which needs every task to read the whole broadcast stream/);

  const all = StreamEnvironment.create();
  kafkaIn(all, 'in').windowAll(TumblingEventTimeWindows.of(1_000)).count().sinkTo(out());
  assert.throws(() => scaleOutInputs(all.plan(), true), /is a windowAll, which must see every record in one place/);

  const temporal = StreamEnvironment.create();
  const table = kafkaIn(temporal, 'rows').toTable((r) => r.k);
  kafkaIn(temporal, 'in').temporalJoin(table, (e) => e.k).inner((e) => e).sinkTo(out());
  assert.throws(() => scaleOutInputs(temporal.plan(), false), /keys the stream/);
  assert.doesNotThrow(() => scaleOutInputs(temporal.plan(), true));
});
