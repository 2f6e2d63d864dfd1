import type { Clock } from './clock.ts';

/**
 * Rejects with `message` unless `work` settles within `ms` of `clock` time (a manual clock must
 * be advanced past it). Whichever comes first, the timer goes away with the race.
 *
 * @example
 * await withTimeout(systemClock, writeCheckpoint(), 60_000, 'checkpoint 7 timed out after 60000 ms');
 */
export function withTimeout<T>(clock: Clock, work: Promise<T>, ms: number, message: string): Promise<T> {
  const settled = new AbortController();
  // Once `work` has settled, the sleep ends early (aborted) and the race is already decided.
  const expired = clock.sleep(ms, settled.signal).then(() => {
    if (!settled.signal.aborted) throw new Error(message);
  }) as Promise<never>;
  return Promise.race([work, expired]).finally(() => settled.abort());
}
