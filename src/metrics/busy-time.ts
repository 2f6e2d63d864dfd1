import { stopwatchMs } from '../time/stopwatch.ts';
import type { OperatorMetrics } from './operator-metrics.ts';

// Operators call each other synchronously (an emit runs the consumer at once), so a node's
// elapsed time includes its consumers'. Each call keeps the time spent by nested calls and adds
// only its own share to its busy time. A plain array and two numbers: no allocation per batch.
// Reading the timer costs about as much as a small batch through a map, so only one source batch
// in SAMPLE_EVERY is timed (everything it causes downstream), and its time counts SAMPLE_EVERY times.
const outer: number[] = [];
let nested = 0;
/** One source batch in this many is timed. */
export const SAMPLE_EVERY = 8;
let round = 0;
let timing = true;

/**
 * A source batch is about to enter the graph: decides whether the calls it causes are timed.
 *
 * @example
 * nextBusyRound(); node.receive(batch, 0);
 */
export function nextBusyRound(): void {
  round = (round + 1) % SAMPLE_EVERY;
  timing = round === 0;
}

/**
 * Starts timing one call of an operator (a batch, a watermark, a timer) if this round is timed;
 * pair with `endBusy`, which ignores the -1 returned otherwise.
 *
 * @example
 * const t0 = beginBusy();
 * try { op.process(batch, 0); } finally { endBusy(node.metrics, t0); }
 */
export function beginBusy(): number {
  if (!timing) return -1;
  outer.push(nested);
  nested = 0;
  return stopwatchMs();
}

/**
 * Ends the call begun at `t0`: adds its time, minus that of the operators it called, to
 * `metrics.busyMs` (times SAMPLE_EVERY: one round in that many is timed).
 *
 * @example
 * endBusy(node.metrics, t0);
 */
export function endBusy(metrics: OperatorMetrics, t0: number): void {
  if (t0 < 0) return; // not a timed round
  const spent = stopwatchMs() - t0;
  metrics.busyMs += (spent - nested) * SAMPLE_EVERY;
  nested = (outer.pop() ?? 0) + spent;
}
