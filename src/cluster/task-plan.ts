import { kafkaSink, kafkaSinkOptions } from '../connectors/kafka/kafka-sink.ts';
import { kafkaSource, kafkaSourceOptions } from '../connectors/kafka/kafka-source.ts';
import { allKey } from '../plan/all-key.ts';
import { isKeyed as readsKeys, type PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';

/** Sinks that are safe to share between the tasks of one instance (they hold no transaction). */
const SHARED_SINK_KINDS = new Set(['console', 'collect']);

/**
 * What scale-out needs to know about a job: the topic whose partitions make the tasks, its
 * brokers, and every input topic (all must have as many partitions as the driving topic).
 */
export interface ScaleOutInputs {
  readonly brokers: string;
  /** The first Kafka source's first topic: the membership consumer subscribes to it. */
  readonly topic: string;
  readonly topics: readonly string[];
}

/**
 * Checks that a plan can run as partition tasks and says what drives them. Every source must be
 * `sources.kafka` with explicit topics; every sink must be `sinks.kafka` (its own transactional id
 * per task) or a console/collect sink; a keyed job must declare its keys copartitioned.
 *
 * @example
 * const { topic } = scaleOutInputs(env.plan(), true);
 */
export function scaleOutInputs(plan: Plan, copartitioned: boolean): ScaleOutInputs {
  const topics: string[] = [];
  let brokers: string | null = null;
  for (const n of plan.nodes) {
    if (n.kind === 'source') {
      const o = kafkaSourceOptions(n.source);
      if (o === null) throw new Error(`scale-out: source '${n.name}' is a ${n.source.kind} source; only sources.kafka can be split among instances (by partition)`);
      if (o.topics === undefined) throw new Error(`scale-out: source '${n.name}' uses topicPattern; give its topics by name (the task of partition p reads partition p of each)`);
      if (o.partitions !== undefined) throw new Error(`scale-out: source '${n.name}' pins partitions ${o.partitions.join(',')}; scale-out assigns partitions itself`);
      brokers ??= o.brokers;
      for (const t of o.topics) if (!topics.includes(t)) topics.push(t);
    } else if (n.kind === 'sink') {
      if (kafkaSinkOptions(n.sink) === null && !SHARED_SINK_KINDS.has(n.sink.kind)) {
        throw new Error(`scale-out: sink '${n.name}' is a ${n.sink.kind} sink; each partition task needs its own exactly-once output, which sinks.kafka gives (console and collect sinks are allowed, without guarantee)`);
      }
    } else if (n.kind === 'broadcast-process') {
      throw new Error(
        `scale-out: '${n.name}' uses broadcast state, which needs every task to read the whole broadcast stream; ` +
          'a partition task reads one partition of each input, so it would see only part of the rules. Not supported in scale-out yet.',
      );
    } else if (n.kind === 'key-by' && n.key === allKey) {
      throw new Error(`scale-out: '${n.name}' is a windowAll, which must see every record in one place; each instance would compute partial windows. Key the stream instead.`);
    } else if (!copartitioned && isKeyed(n)) {
      throw new Error(
        `scale-out: '${n.name}' keys the stream, and each key's records must be in one partition of its input for its state to live in ` +
          'one instance: produce the input keyed by that key, or send the stream through kafkaRepartition(env, stream, { topic, key }) ' +
          'before the keyBy; then declare it with scaleOut: { copartitioned: true }.',
      );
    }
  }
  if (brokers === null || topics.length === 0) throw new Error('scale-out: the job has no sources.kafka source to divide among instances');
  return { brokers, topic: topics[0], topics };
}

/** Nodes whose state is per key: a keyBy, and every operator that keys its input itself (joins, tables). */
function isKeyed(n: PlanNode): boolean {
  return n.kind === 'key-by' || readsKeys(n);
}

/**
 * The plan of one partition's task: each Kafka source pinned to `partition`, each Kafka sink
 * with a transactional id of its own (`<prefix>-p<partition>`, so that the partition's next owner
 * fences this one), everything else as it was: the runtime makes fresh operators per task, and
 * plan nodes hold factories for user function objects, so each task gets an instance of its own.
 *
 * @example
 * new RunningGraph(taskPlan(plan, 3, 'fraud'), 'fraud', options);
 */
export function taskPlan(plan: Plan, partition: number, jobName: string): Plan {
  const nodes = plan.nodes.map((n): PlanNode => {
    if (n.kind === 'source') {
      const o = kafkaSourceOptions(n.source)!;
      return Object.freeze({ ...n, source: kafkaSource({ ...o, partitions: [partition] }) });
    }
    if (n.kind === 'sink') {
      const o = kafkaSinkOptions(n.sink);
      if (o === null) return n;
      return Object.freeze({ ...n, sink: kafkaSink({ ...o, transactionalIdPrefix: `${o.transactionalIdPrefix ?? `eddy-${jobName}`}-p${partition}` }) });
    }
    return n;
  });
  return Object.freeze({ nodes: Object.freeze(nodes) });
}
