import { collectSink } from './collect/collect-sink.ts';
import { consoleSink } from './console/console-sink.ts';
import { csvSink } from './file/csv-sink.ts';
import { jsonlSink } from './file/jsonl-sink.ts';
import { kafkaSink } from './kafka/kafka-sink.ts';
import { postgresSink } from './postgres/postgres-exactly-once-sink.ts';
import { postgresUpsertSink } from './postgres/postgres-upsert-sink.ts';

/**
 * The built-in sinks.
 *
 * @example
 * counts.sinkTo(sinks.jsonl('counts.jsonl'));
 * const out = sinks.collect<number>(); stream.sinkTo(out); await env.execute(); out.values;
 */
export const sinks = Object.freeze({
  jsonl: jsonlSink,
  csv: csvSink,
  console: consoleSink,
  collect: collectSink,
  kafka: kafkaSink,
  postgres: postgresSink,
  postgresUpsert: postgresUpsertSink,
});
