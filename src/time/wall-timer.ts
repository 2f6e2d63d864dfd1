/**
 * A repeating timer that can be stopped.
 *
 * @example
 * const sampler: RepeatingTimer = repeatEvery(1_000, () => history.add(metrics()));
 * sampler.stop();
 */
export interface RepeatingTimer {
  stop(): void;
}

/**
 * Calls `fn` every `ms` of wall time until stopped, for work that follows wall time whatever the
 * job's clock (the dashboard's chart samples). It never keeps the process alive by itself.
 *
 * @example
 * const sampler = repeatEvery(1_000, () => history.add(metrics()));
 * sampler.stop();
 */
export function repeatEvery(ms: number, fn: () => void): RepeatingTimer {
  const timer = setInterval(fn, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
