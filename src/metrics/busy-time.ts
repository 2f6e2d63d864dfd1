import { stopwatchMs } from '../time/stopwatch.ts';
import type { OperatorMetrics } from './operator-metrics.ts';

// Operators call each other synchronously (an emit runs the consumer at once), so a node's
// elapsed time includes its consumers'. Each call keeps the time spent by nested calls and adds
// only its own share to its busy time. A plain array and two numbers: no allocation per batch.
const outer: number[] = [];
let nested = 0;

/**
 * Starts timing one call of an operator (a batch, a watermark, a timer); pair with `endBusy`.
 *
 * @example
 * const t0 = beginBusy();
 * try { op.process(batch, 0); } finally { endBusy(node.metrics, t0); }
 */
export function beginBusy(): number {
  outer.push(nested);
  nested = 0;
  return stopwatchMs();
}

/**
 * Ends the call begun at `t0`: adds its time, minus that of the operators it called, to `metrics.busyMs`.
 *
 * @example
 * endBusy(node.metrics, t0);
 */
export function endBusy(metrics: OperatorMetrics, t0: number): void {
  const spent = stopwatchMs() - t0;
  metrics.busyMs += spent - nested;
  nested = (outer.pop() ?? 0) + spent;
}
