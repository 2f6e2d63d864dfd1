import { kafkaSink } from '../connectors/kafka/kafka-sink.ts';
import { kafkaSource } from '../connectors/kafka/kafka-source.ts';
import type { Source } from '../connectors/source.ts';
import type { Sink } from '../connectors/sink.ts';
import type { PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';

/** Nodes whose meaning depends on event time, which an internal topic does not carry. */
const EVENT_TIME_KINDS = new Set(['window', 'timestamps']);

/**
 * The internal topic of a keyBy: `<job>-<uid or name>-repartition`, in Kafka's topic alphabet.
 *
 * @example
 * repartitionTopic('counts', keyByNode); // 'counts-key-by_3-repartition'
 */
export function repartitionTopic(jobName: string, n: PlanNode): string {
  return `${jobName}-${n.uid ?? n.name}-repartition`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Kafka Streams' repartitioning, as a plan pass: every keyBy (`key-by` node) gets an internal
 * topic between it and its input. The stream before it goes to a `sinks.kafka` keyed by the
 * key (murmur2, exactly-once); the keyBy reads a `sources.kafka` of that topic (read_committed).
 * Partition p's task then runs both halves, so each key's state lives in exactly one task.
 * Values go through JSON; records carry no event time, so a job with event-time windows or
 * timestamp assignment after the source is refused (use `kafkaRepartition` with a strategy).
 *
 * @example
 * const plan = autoRepartition(env.plan(), 'counts', brokers);
 */
export function autoRepartition(plan: Plan, jobName: string, brokers: string): Plan {
  if (!plan.nodes.some((n) => n.kind === 'key-by')) return plan;
  const timed = plan.nodes.find((n) => EVENT_TIME_KINDS.has(n.kind));
  if (timed !== undefined) {
    throw new Error(
      `scale-out: '${timed.name}' uses event time, which an automatic repartition topic does not carry. Either produce the input keyed ` +
        'by the key and declare scaleOut: { copartitioned: true }, or repartition explicitly with kafkaRepartition(env, stream, { topic, key, strategy }).',
    );
  }
  const nodes: PlanNode[] = [];
  const newId: number[] = [];
  const add = (n: Omit<PlanNode, 'id'>): number => {
    const id = nodes.length;
    nodes.push(Object.freeze({ ...n, id }) as PlanNode);
    return id;
  };
  for (const n of plan.nodes) {
    const inputs = n.inputs.map((i) => newId[i]);
    if (n.kind !== 'key-by') {
      newId[n.id] = add({ ...n, inputs });
      continue;
    }
    const topic = repartitionTopic(jobName, n);
    const key = n.key;
    const sink = kafkaSink<unknown>({
      brokers, topic, key: (v) => String(key(v)), value: 'json', transactionalIdPrefix: topic, properties: { partitioner: 'murmur2_random' },
    });
    add({ kind: 'sink', name: `${topic}-write`, uid: `${topic}-write`, inputs, sink: sink as Sink<unknown> } as Omit<PlanNode, 'id'>);
    const source = kafkaSource<unknown>({ brokers, topics: [topic], groupId: `${topic}-reader`, value: 'json', caughtUpIdleMs: 50 });
    const read = add({ kind: 'source', name: topic, uid: topic, inputs: [], source: source as Source<unknown>, strategy: WatermarkStrategy.noWatermarks<unknown>() } as Omit<PlanNode, 'id'>);
    newId[n.id] = add({ ...n, inputs: [read] });
  }
  return Object.freeze({ nodes: Object.freeze(nodes) });
}
