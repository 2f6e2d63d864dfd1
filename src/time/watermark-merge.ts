/**
 * Merges the watermarks of several inputs into one: the minimum over the inputs that are live.
 * An idle input holds nothing back; when no input is live, the merged stream is idle itself.
 * This is the one place that rule lives: an operator merges its inputs with it, and a source
 * merges its splits with it.
 *
 * Idleness comes from outside (an upstream operator said so: `setIdle`) or from the clock: with
 * `idleAfterMs`, an input with no activity for that long becomes idle until its next watermark.
 * An input's timer starts when it is added, so an input that never sends anything goes idle
 * after the timeout too (Flink starts the timer at the first periodic check).
 *
 * Watermarks of an input only go up. The merged minimum is recomputed on demand (`merge`); the
 * owner keeps its own output watermark, which never goes back.
 *
 * @example
 * const m = new WatermarkMerge(2);
 * m.raise(0, 100); m.raise(1, 50);
 * m.merge(); // 50
 * m.setIdle(1, true);
 * m.merge(); // 100
 */
export class WatermarkMerge {
  private readonly wms: number[] = [];
  private readonly idle: boolean[] = [];
  private readonly lastActive: number[] = [];
  private liveInputs = 0;

  constructor(inputs = 0, private readonly idleAfterMs: number | null = null, now = 0) {
    this.grow(inputs, now);
  }

  /** How many inputs there are. */
  get size(): number {
    return this.wms.length;
  }

  /** How many inputs the last `merge` counted as live (0: the merged stream is idle). */
  get live(): number {
    return this.liveInputs;
  }

  /** Adds inputs until there are `count`; a new one starts at -Infinity, active as of `now`. */
  grow(count: number, now: number): void {
    while (this.wms.length < count) {
      this.wms.push(Number.NEGATIVE_INFINITY);
      this.idle.push(false);
      this.lastActive.push(now);
    }
  }

  watermarkOf(input: number): number {
    return this.wms[input];
  }

  isIdle(input: number): boolean {
    return this.idle[input];
  }

  /** Raises an input's watermark (a lower one is ignored); true if it rose. */
  raise(input: number, watermark: number): boolean {
    if (!(watermark > this.wms[input])) return false;
    this.wms[input] = watermark;
    return true;
  }

  /** Marks an input idle or live; true if that changed. */
  setIdle(input: number, idle: boolean): boolean {
    if (this.idle[input] === idle) return false;
    this.idle[input] = idle;
    return true;
  }

  /** The input showed activity at `now`: its idleness timer starts again. */
  touch(input: number, now: number): void {
    this.lastActive[input] = now;
  }

  /** Marks idle every input that has had no activity for `idleAfterMs`; true if any became idle. */
  expire(now: number): boolean {
    const timeout = this.idleAfterMs;
    if (timeout === null) return false;
    let changed = false;
    for (let i = 0; i < this.wms.length; i++) {
      if (!this.idle[i] && now - this.lastActive[i] >= timeout) {
        this.idle[i] = true;
        changed = true;
      }
    }
    return changed;
  }

  /** When `expire` can next change something (+Infinity if never). */
  nextExpiry(): number {
    const timeout = this.idleAfterMs;
    let next = Number.POSITIVE_INFINITY;
    if (timeout === null) return next;
    for (let i = 0; i < this.wms.length; i++) {
      if (!this.idle[i] && this.lastActive[i] + timeout < next) next = this.lastActive[i] + timeout;
    }
    return next;
  }

  /**
   * The minimum watermark over the live inputs: not idle, and not left out by `skip` (a source
   * leaves out splits that are finished or caught up). +Infinity when none is live; `live` then
   * says 0, which the owner reads as "idle", not as the end of time.
   */
  merge(skip?: (input: number) => boolean): number {
    let min = Number.POSITIVE_INFINITY;
    let live = 0;
    const wms = this.wms;
    for (let i = 0; i < wms.length; i++) {
      if (this.idle[i] || (skip !== undefined && skip(i))) continue;
      live++;
      if (wms[i] < min) min = wms[i];
    }
    this.liveInputs = live;
    return min;
  }

  /** Every input's watermark, for checkpoints. */
  watermarks(): number[] {
    return [...this.wms];
  }

  /** Every input's idleness, for checkpoints and metrics. */
  idleness(): boolean[] {
    return [...this.idle];
  }
}
