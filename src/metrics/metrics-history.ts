import { quantile } from './latency-histogram.ts';
import type { JobMetricsSnapshot } from './operator-metrics.ts';

/**
 * One point of the dashboard's charts, over the interval since the point before it. Rates are per
 * second; latencies in ms (NaN when nothing reached a sink in the interval, +Infinity when the
 * quantile lies above the largest bucket).
 *
 * @example
 * const p: HistoryPoint = history.points().at(-1)!; console.log(p.inPerSec, p.eventTimeP99);
 */
export interface HistoryPoint {
  readonly at: number;
  readonly inPerSec: number;
  readonly outPerSec: number;
  readonly eventTimeP50: number;
  readonly eventTimeP99: number;
  readonly ingestionP99: number;
  /** Processing time minus the job's lowest source watermark (NaN before the first watermark). */
  readonly watermarkLagMs: number;
  readonly late: number;
  readonly deadLetters: number;
}

/**
 * Per-operator rates and time shares over the last interval: what colours the operator graph.
 *
 * @example
 * const r = history.operatorRates().find((o) => o.id === 3); if (r && r.backpressured > 0.5) console.log('blocked');
 */
export interface OperatorRate {
  readonly id: number;
  readonly inPerSec: number;
  readonly outPerSec: number;
  /** Share (0..1) of the interval spent in the operator's own code. */
  readonly busy: number;
  /** Share (0..1) of the interval its output waited for a sink downstream. */
  readonly backpressured: number;
}

/**
 * The job's metrics over time: a bounded ring of chart points, each from two consecutive
 * snapshots. `add` is called on a timer (the web server's sampler), never on the hot path.
 *
 * @example
 * const history = new MetricsHistory(600);
 * history.add(runtime.metrics());
 * history.points(); // oldest first
 */
export class MetricsHistory {
  private readonly ring: HistoryPoint[] = [];
  private next = 0;
  private last: JobMetricsSnapshot | null = null;
  private previous: JobMetricsSnapshot | null = null;

  constructor(readonly capacity: number) {}

  add(m: JobMetricsSnapshot): void {
    const prev = this.last;
    this.previous = prev;
    this.last = m;
    if (prev === null) return;
    const secs = (m.now - prev.now) / 1000;
    if (!(secs > 0)) return;
    const lat = m.latency;
    const before = prev.latency ?? null;
    const point: HistoryPoint = {
      at: m.now,
      inPerSec: (m.recordsIn - prev.recordsIn) / secs,
      outPerSec: (m.recordsOut - prev.recordsOut) / secs,
      eventTimeP50: lat ? quantile(lat.eventTime, before?.eventTime ?? null, 0.5) : Number.NaN,
      eventTimeP99: lat ? quantile(lat.eventTime, before?.eventTime ?? null, 0.99) : Number.NaN,
      ingestionP99: lat ? quantile(lat.ingestion, before?.ingestion ?? null, 0.99) : Number.NaN,
      watermarkLagMs: watermarkLag(m),
      late: m.lateDropped + m.lateToSideOutput,
      deadLetters: m.deadLetters,
    };
    if (this.ring.length < this.capacity) this.ring.push(point);
    else this.ring[this.next] = point;
    this.next = (this.next + 1) % this.capacity;
  }

  points(): HistoryPoint[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Records in per second over the last interval (0 before two snapshots). */
  throughput(): number {
    const p = this.points();
    return p.length === 0 ? 0 : p[p.length - 1].inPerSec;
  }

  /** Rates and shares of each operator over the last interval (empty before two snapshots). */
  operatorRates(): OperatorRate[] {
    const a = this.previous;
    const b = this.last;
    if (a === null || b === null || !(b.now > a.now)) return [];
    const ms = b.now - a.now;
    return b.operators.map((o, i) => {
      const p = a.operators[i] ?? o;
      const share = (x: number) => Math.max(0, Math.min(1, x / ms));
      return {
        id: o.id,
        inPerSec: ((o.recordsIn - p.recordsIn) * 1000) / ms,
        outPerSec: ((o.recordsOut - p.recordsOut) * 1000) / ms,
        busy: share(o.busyMs - p.busyMs),
        backpressured: share(o.backpressuredMs - p.backpressuredMs),
      };
    });
  }
}

/**
 * How far event time trails processing time: now minus the lowest source watermark (NaN while
 * there is no watermark yet, 0 once the input has ended).
 *
 * @example
 * watermarkLag(env.metrics()!); // 5200
 */
export function watermarkLag(m: JobMetricsSnapshot): number {
  if (m.watermark === Number.POSITIVE_INFINITY) return 0;
  if (!Number.isFinite(m.watermark)) return Number.NaN;
  return m.now - m.watermark;
}
