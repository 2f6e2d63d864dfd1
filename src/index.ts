/// <reference types="node" preserve="true" />
// (Eddy's declarations use Node's types, e.g. Buffer for Kafka bytes: kept in the .d.ts so that a
// project whose tsconfig lists no "types" still finds them.)
/**
 * Eddy: a stream processor for TypeScript on Node.js, with Flink's event-time model.
 *
 * @example
 * import { StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, sources, sinks } from 'eddy';
 * const env = StreamEnvironment.create();
 * env.fromSource(sources.jsonl<Click>('clicks.jsonl'),
 *     WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000).withTimestampAssigner((c) => c.ts), 'clicks')
 *   .keyBy((c) => c.page).window(TumblingEventTimeWindows.of(60_000)).count()
 *   .sinkTo(sinks.jsonl('counts.jsonl'));
 * await env.execute('clicks-per-minute');
 */
export { StreamEnvironment, type EnvironmentOptions, type JobHandle } from './api/stream-environment.ts';
export type { DataStream, DataStreamSink } from './api/data-stream.ts';
export type { KeyedStream } from './api/keyed-stream.ts';
export type { Table, TableChange } from './api/table.ts';
export { StreamTableEnvironment, type StreamSchema, type FunctionOptions } from './sql/stream-table-environment.ts';
export type { SqlTable } from './sql/sql-table.ts';
export type { TableResult, SqlJobResult } from './sql/table-result.ts';
export { SqlError, type SqlPosition } from './sql/sql-error.ts';
export type { TableJoin, TemporalJoin } from './api/temporal-join.ts';
export type { BroadcastStream, BroadcastConnectedStream } from './api/broadcast-stream.ts';
export {
  BroadcastStateDescriptor, type BroadcastState, type ReadOnlyBroadcastState, type BroadcastContext,
  type ReadOnlyBroadcastContext, type ReadOnlyBroadcastOnTimerContext, type KeyedBroadcastProcessFunction,
} from './functions/broadcast-process-function.ts';
export type { WindowedStream } from './api/windowed-stream.ts';
export type { AllWindowedStream, AllWindowResult } from './api/all-windowed-stream.ts';
export type { JoinedStreams } from './api/join-streams.ts';
export type { WindowJoin } from './api/join-window.ts';
export type { RegularJoin } from './api/join-regular.ts';
export type { IntervalJoin, IntervalJoined } from './api/interval-join.ts';
export type { JoinContext, JoinType } from './functions/join-type.ts';
export { OutputTag } from './functions/output-tag.ts';
export { DEAD_LETTERS, type DeadLetter, type BadInputPolicy } from './functions/dead-letter.ts';
export type { Collector, SideCollector } from './functions/collector.ts';
export type { AggregateFunction, ReduceFunction } from './functions/aggregate-function.ts';
export { Aggregates } from './api/builtin-aggregates.ts';
export type { WindowResult, KeyedValue } from './api/window-result.ts';
export type {
  ProcessFunction, KeyedProcessFunction, ProcessContext, KeyedContext, OnTimerContext, TimerService,
  RuntimeContext, KeyedRuntimeContext,
} from './functions/process-function.ts';
export type { JobResult } from './runtime/job-result.ts';
export { OperatorError } from './runtime/operator-error.ts';
export type { JobMetricsSnapshot, OperatorMetrics, CheckpointMetrics } from './metrics/operator-metrics.ts';
export type { SourceMetrics, SplitMetrics } from './metrics/operator-metrics.ts';
export type { LatencySnapshot } from './metrics/latency-tracker.ts';
export type { HistogramSnapshot } from './metrics/latency-histogram.ts';
export type { RecordSample } from './metrics/sample-ring.ts';
export type { JobException, JobLifecycleSnapshot, JobStatus } from './metrics/job-lifecycle.ts';
export { registerEddyMetrics, type EddyMetricsOptions, type EddyMetricsSource } from './metrics/prometheus-registry.ts';
export type { WebOptions } from './ui/web-options.ts';
export type { WebAddress } from './ui/web-address.ts';
export type { StateQueryResult } from './ui/query-state.ts';
export type { CheckpointConfig, DeliveryGuarantee } from './checkpoint/checkpoint-config.ts';
export type { ObjectStoreCredentials, ObjectStoreOptions } from './checkpoint/object-store/object-store-options.ts';
export type { CheckpointRecord } from './metrics/checkpoint-record.ts';
export type { RestoreRequest } from './checkpoint/restore-request.ts';
export { type RestartStrategy, restartDelay } from './job/restart-strategy.ts';
export { isExplaining } from './job/is-explaining.ts';
export * from './time/index.ts';
export * from './window/index.ts';
export * from './state/index.ts';
export { sources } from './connectors/sources.ts';
export { sinks } from './connectors/sinks.ts';
export type { Source, SourceReader, SourceBatch, SourceReaderContext, ReadStatus } from './connectors/source.ts';
export type { Sink, SinkWriter, SinkContext } from './connectors/sink.ts';
export type { CollectSink } from './connectors/collect/collect-sink.ts';
export type { GeneratorOptions } from './connectors/generator/generator-source.ts';
export type { NexmarkSourceOptions } from './connectors/nexmark/nexmark-source.ts';
export { NexmarkEventType, type NexmarkEvent, type PersonEvent, type AuctionEvent, type BidEvent, type Person, type Auction, type Bid, type NexmarkOptions } from './connectors/nexmark/index.ts';
export type { JsonlSourceOptions } from './connectors/file/jsonl-source.ts';
export type { CsvSourceOptions, CsvColumnType } from './connectors/file/csv-source.ts';
export type { CsvSinkOptions } from './connectors/file/csv-sink.ts';
export type { FileSinkOptions } from './connectors/file/text-file-sink.ts';
export type { KafkaSourceOptions, KafkaStartFrom, KafkaRecord } from './connectors/kafka/kafka-source.ts';
export type { KafkaSinkOptions } from './connectors/kafka/kafka-sink.ts';
export type { Deserializer, Serializer } from './connectors/kafka/serde.ts';
export type { KafkaSplitMetrics } from './connectors/kafka/kafka-reader.ts';
export { kafkaAdmin } from './connectors/kafka/kafka-client.ts';
export type { ScaleOutOptions } from './cluster/scale-out-options.ts';
export { kafkaRepartition, type KafkaRepartitionOptions } from './api/kafka-repartition.ts';
export type { AsyncMapOptions } from './functions/async-map-options.ts';
export { postgresLookup, type PostgresLookup, type PostgresLookupOptions, type PostgresRow, type LookupStats } from './connectors/postgres/postgres-lookup.ts';
export type { PostgresConnection } from './connectors/postgres/postgres-connection.ts';
export type { PostgresPool } from './connectors/postgres/postgres-pool.ts';
export type { PostgresSinkOptions } from './connectors/postgres/postgres-sink-options.ts';
export type { PostgresExactlyOnceOptions } from './connectors/postgres/postgres-exactly-once-sink.ts';
export type { PostgresSourceOptions } from './connectors/postgres/postgres-source.ts';
export type { Plan } from './plan/plan.ts';
export { CEP, type CepOptions } from './api/cep.ts';
export type { PatternStream } from './api/pattern-stream.ts';
export { Pattern, type PatternBuilder, type GroupPattern, type PatternStart, type MatchOf, type StageMap, type WithStage, type MergeStages } from './cep/pattern.ts';
export { AfterMatchSkipStrategy } from './cep/after-match-skip-strategy.ts';
export { MalformedPatternError } from './cep/malformed-pattern-error.ts';
export type { PatternProcessFunction, PatternContext, ConditionContext, PatternCondition } from './functions/pattern-function.ts';
