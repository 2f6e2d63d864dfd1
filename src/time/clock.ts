/**
 * The only place in Eddy that reads the wall clock or sets real timers. Everything else gets a
 * `Clock` injected, so the test driver and production run the same loop.
 *
 * @example
 * const clock = new ManualClock(0);
 * clock.advance(1_000);
 * clock.now(); // 1000
 */
export interface Clock {
  /** Milliseconds since the epoch (processing time). */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time; a manual clock resolves when advanced past it.
   * With `signal`, it resolves as soon as the signal aborts, and its timer goes away (a sleep
   * that lost a race must not keep the process alive).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The wall clock. `sleep` is a real timer (it keeps the process alive while it runs).
 *
 * @example
 * const env = StreamEnvironment.create({ clock: systemClock });
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  }),
};

/**
 * A clock that only moves when told to: for tests and the StreamTestDriver.
 *
 * @example
 * const clock = new ManualClock(1_000);
 * clock.advance(500); // now() === 1500
 */
export class ManualClock implements Clock {
  private sleepers: { until: number; wake: () => void }[] = [];
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((wake) => {
      if (signal?.aborted === true) return wake();
      const sleeper = { until: this.current + ms, wake };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        wake();
      }, { once: true });
    });
  }

  /** Moves time forward by `ms` and wakes every sleeper whose time has come. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Moves time to `t` (never backwards). */
  set(t: number): void {
    if (t < this.current) throw new Error(`ManualClock cannot go back in time (now ${this.current}, asked ${t})`);
    this.current = t;
    const due = this.sleepers.filter((s) => s.until <= t);
    this.sleepers = this.sleepers.filter((s) => s.until > t);
    for (const s of due) s.wake();
  }
}

/**
 * Formats an event-time instant for humans: ISO for real times, symbols for the extremes.
 *
 * @example
 * formatTime(0); // '1970-01-01T00:00:00.000Z'
 */
export function formatTime(t: number): string {
  if (t === Number.NEGATIVE_INFINITY) return '-inf';
  if (t === Number.POSITIVE_INFINITY) return '+inf';
  return new Date(t).toISOString();
}
