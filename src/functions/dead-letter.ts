import { OutputTag } from './output-tag.ts';

/**
 * A record that could not be read or processed, with why and where. The job goes on.
 *
 * @example
 * stream.getSideOutput(DEAD_LETTERS).sinkTo(sinks.jsonl('dead-letters.jsonl'));
 * // {"operator":"clicks","position":"clicks.jsonl:17","reason":"invalid JSON: Unexpected token","raw":"{oops"}
 */
export interface DeadLetter {
  /** Operator (source) that rejected it. */
  readonly operator: string;
  /** Where it came from: `file:line`, or `topic/partition@offset`. */
  readonly position: string;
  readonly reason: string;
  /** The raw input, as text. */
  readonly raw: string;
}

/**
 * The side output every source writes rejected input to.
 *
 * @example
 * env.fromSource(sources.jsonl<Click>('clicks.jsonl'), strategy, 'clicks').getSideOutput(DEAD_LETTERS);
 */
export const DEAD_LETTERS = new OutputTag<DeadLetter>('dead-letters');

/**
 * What a source does with input it cannot read: send it to DEAD_LETTERS (default) or fail the job.
 *
 * @example
 * StreamEnvironment.create({ badInput: 'fail' });
 */
export type BadInputPolicy = 'dead-letter' | 'fail';
