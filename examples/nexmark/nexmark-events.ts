import { WatermarkStrategy, sources, type DataStream, type NexmarkEvent, type NexmarkSourceOptions, type StreamEnvironment } from 'eddy';

/** Flink's Nexmark DDL: `WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND`. */
export const WATERMARK_DELAY_MS = 4_000;

/**
 * The Nexmark events as a stream named 'nexmark', with the source's event times and watermarks
 * `delayMs` behind the highest one seen (Flink's 4 s by default).
 *
 * @example
 * const events = nexmarkEvents(env, { events: 1_000_000, outOfOrderGroupSize: 50 });
 * q5(env, events).sinkTo(sinks.collect());
 */
export function nexmarkEvents(env: StreamEnvironment, options: NexmarkSourceOptions, delayMs = WATERMARK_DELAY_MS): DataStream<NexmarkEvent> {
  return env.fromSource(sources.nexmark(options), WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(delayMs), 'nexmark');
}
