import type { Clock } from '../time/clock.ts';

/**
 * A running ticker; `stop` ends it before its next tick.
 *
 * @example
 * const ticker: Ticker = startTicker(clock, 1_000, tick);
 * ticker.stop();
 */
export interface Ticker {
  stop(): void;
}

/**
 * Calls `onTick` every `everyMs` of `clock` time until stopped. Built on `clock.sleep` so a test
 * drives it with a ManualClock and the CLI never sets a timer of its own.
 *
 * @example
 * const ticker = startTicker(systemClock, 250, () => redraw());
 * ticker.stop();
 */
export function startTicker(clock: Clock, everyMs: number, onTick: () => void): Ticker {
  let running = true;
  const loop = async () => {
    while (running) {
      await clock.sleep(everyMs);
      if (running) onTick();
    }
  };
  void loop();
  return { stop: () => void (running = false) };
}
