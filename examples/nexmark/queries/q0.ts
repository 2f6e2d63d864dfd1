import type { Bid, DataStream, NexmarkEvent, StreamEnvironment } from 'eddy';
import { bids } from './bids.ts';

/**
 * Nexmark q0, pass-through: every bid, as generated. It measures the cost of the source and the
 * runtime alone. (The reference projects five of the seven fields; here the record is passed on
 * unchanged rather than copied.)
 *
 * @example
 * q0(env, events).sinkTo(sinks.jsonl('q0.jsonl'));
 */
export function q0(_env: StreamEnvironment, events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return bids(events);
}
