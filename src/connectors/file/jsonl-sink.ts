import type { Sink } from '../sink.ts';
import { type FileSinkOptions, textFileSink } from './text-file-sink.ts';

/**
 * Writes each record as one line of JSON.
 *
 * @example
 * counts.sinkTo(sinks.jsonl('out/counts.jsonl'));
 */
export function jsonlSink<T>(path: string, options: FileSinkOptions = {}): Sink<T> {
  return textFileSink<T>(path, { kind: 'jsonl', line: (v) => JSON.stringify(v) }, options);
}
