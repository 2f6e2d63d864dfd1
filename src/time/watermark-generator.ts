/**
 * Tracks event time for one source split and says how far it has progressed. `onEvent` sees every
 * record; `currentWatermark` is asked after each batch (Eddy emits watermarks per batch rather than
 * on a wall-clock period, which keeps runs deterministic).
 *
 * A watermark W promises that no more records with timestamp <= W will arrive (Flink's rule).
 *
 * @example
 * const punctuated: WatermarkGenerator<{ ts: number; last: boolean }> = {
 *   wm: -Infinity,
 *   onEvent(e, ts) { if (e.last) this.wm = ts; },
 *   currentWatermark() { return this.wm; },
 * } as any;
 */
export interface WatermarkGenerator<T> {
  onEvent(value: T, timestamp: number): void;
  currentWatermark(): number;
}

/**
 * Watermark = highest timestamp seen - maxOutOfOrderness - 1.
 *
 * @example
 * const g = new BoundedOutOfOrdernessGenerator<unknown>(5_000);
 * g.onEvent(null, 10_000); g.currentWatermark(); // 4999
 */
export class BoundedOutOfOrdernessGenerator<T> implements WatermarkGenerator<T> {
  private maxTs: number;
  constructor(private readonly outOfOrdernessMs: number) {
    if (!(outOfOrdernessMs >= 0)) throw new Error(`out-of-orderness must be >= 0 ms, got ${outOfOrdernessMs}`);
    this.maxTs = Number.NEGATIVE_INFINITY;
  }
  onEvent(_value: T, timestamp: number): void {
    if (timestamp > this.maxTs) this.maxTs = timestamp;
  }
  currentWatermark(): number {
    return this.maxTs - this.outOfOrdernessMs - 1;
  }
}

/**
 * Never emits a watermark: event time does not progress (until the input ends).
 *
 * @example
 * WatermarkStrategy.forGenerator(() => new NoWatermarksGenerator());
 */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(_value: T, _timestamp: number): void {}
  currentWatermark(): number {
    return Number.NEGATIVE_INFINITY;
  }
}
