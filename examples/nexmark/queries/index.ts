import type { DataStream, NexmarkEvent, StreamEnvironment } from 'eddy';
import { q0 } from './q0.ts';
import { q1 } from './q1.ts';
import { q11 } from './q11.ts';
import { q12 } from './q12.ts';
import { q2 } from './q2.ts';
import { q3 } from './q3.ts';
import { q4 } from './q4.ts';
import { q5 } from './q5.ts';
import { q7 } from './q7.ts';
import { q8 } from './q8.ts';

export { q0, q1, q2, q3, q4, q5, q7, q8, q11, q12 };
export type { Q1Result } from './q1.ts';
export type { Q2Result } from './q2.ts';
export type { Q3Result } from './q3.ts';
export type { Q4Result, ClosedAuction } from './q4.ts';
export type { Q5Result } from './q5.ts';
export type { Q7Result } from './q7.ts';
export type { Q8Result } from './q8.ts';
export type { BidderCount } from './q11.ts';

/**
 * A Nexmark query: builds its operators on the stream of events and returns its result stream.
 *
 * @example
 * const query: NexmarkQuery<Q2Result> = q2;
 */
export type NexmarkQuery<R> = (env: StreamEnvironment, events: DataStream<NexmarkEvent>) => DataStream<R>;

/**
 * The queries by name, for runners (`any`: a stream's type is invariant, and a runner only passes
 * the results on to a sink).
 *
 * @example
 * QUERIES.q5(env, events).sinkTo(sinks.jsonl('q5.jsonl'));
 */
export const QUERIES: Readonly<Record<string, NexmarkQuery<any>>> = Object.freeze({ q0, q1, q2, q3, q4, q5, q7, q8, q11, q12 });
