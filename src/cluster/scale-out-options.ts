import type { KafkaProperties } from '../connectors/kafka/kafka-client.ts';

/**
 * Runs the job as one instance of several that share the input partitions through a Kafka
 * consumer group (Kafka Streams' task model): each assigned partition is a task with its own
 * operators, checkpoints and transactional sink. Start the same job file N times with the same
 * `groupId` and `stateDir`.
 *
 * @example
 * StreamEnvironment.create({ scaleOut: { groupId: 'fraud', stateDir: '/shared/eddy', copartitioned: true } });
 */
export interface ScaleOutOptions {
  /** The consumer group whose members share the partitions (use another group id in `sources.kafka`). */
  readonly groupId: string;
  /**
   * Where every task checkpoints, as `<stateDir>/<job>/<topic>-<partition>/`: a directory every
   * instance can reach (local disk for processes on one machine, a shared volume across machines),
   * or an object store as `s3://bucket/prefix`, which machines that share nothing else reach.
   * A partition's new owner restores its task from there.
   */
  readonly stateDir: string;
  /**
   * With an object store as `stateDir` (`s3://bucket/prefix`, reached as `checkpoints.objectStore`
   * says): this instance's own directory for the files its tasks stage on the way to and from it
   * (LMDB copies). Default `<tmp>/eddy-<hash of stateDir>`.
   */
  readonly localDir?: string;
  /**
   * Declares that every key the job keys by lives in one partition of its input (the producer
   * keyed the records by it, or `kafkaRepartition` put them there), so no repartitioning is
   * needed. Default false: every keyBy then reads from an internal topic
   * `<job>-<keyBy name>-repartition` keyed by its key (see docs/scale-out.md), which carries no
   * event time (jobs with event-time windows are refused).
   */
  readonly copartitioned?: boolean;
  /** Leave the group gracefully on SIGTERM and SIGINT (default true). */
  readonly handleSignals?: boolean;
  /** Extra librdkafka properties of the membership consumer (e.g. `session.timeout.ms`). */
  readonly properties?: KafkaProperties;
  /** A failed task restarts from its newest checkpoint after this long (ms, default 1000). */
  readonly taskRestartDelayMs?: number;
}
