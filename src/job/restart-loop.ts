/**
 * How one restart loop is told what to run and when to give up.
 *
 * @example
 * { run: (n) => attempt(n), delayAfter: (n) => restartDelay(strategy, n), sleep: (ms) => clock.sleep(ms), onRestart: (n, e, ms) => log(...) }
 */
export interface RestartLoopOptions<R> {
  /** One attempt (1-based); its result ends the loop. */
  run(attempt: number): Promise<R>;
  /** The delay before the next attempt after attempt `attempt` failed, or null to give up (the error is thrown). */
  delayAfter(attempt: number, error: unknown): number | null;
  /** Waits on the job's clock (only time/ sets timers). */
  sleep(ms: number): Promise<void>;
  /** Called before the delay of each restart. */
  onRestart?(attempt: number, error: unknown, delayMs: number): void;
  /** Called on every failed attempt: with the delay before the restart, or null when the loop gives up. */
  onFailure?(attempt: number, error: unknown, delayMs: number | null): void;
}

/**
 * Runs attempts until one returns, sleeping between failed ones as `delayAfter` says: the one
 * restart loop behind a job's restart strategy and a scale-out partition task's restarts.
 *
 * @example
 * const result = await restartLoop({ run: () => runner().run(), delayAfter: (n) => (n < 3 ? 100 : null), sleep: (ms) => clock.sleep(ms) });
 */
export async function restartLoop<R>(o: RestartLoopOptions<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await o.run(attempt);
    } catch (e) {
      const delay = o.delayAfter(attempt, e);
      o.onFailure?.(attempt, e, delay);
      if (delay === null) throw e;
      o.onRestart?.(attempt, e, delay);
      await o.sleep(delay);
    }
  }
}

/** An error's message, for a log line. @example describeError(new Error('x')); // 'x' */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
