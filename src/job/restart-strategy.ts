/**
 * What happens when a job with checkpoints fails: give up, or restart from the latest checkpoint
 * after a delay, a bounded number of times.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: 'ckpt' }, restartStrategy: { kind: 'exponential-backoff', initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 10 } });
 */
export type RestartStrategy =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed-delay'; readonly delayMs: number; readonly maxAttempts: number }
  | { readonly kind: 'exponential-backoff'; readonly initialDelayMs: number; readonly maxDelayMs: number; readonly multiplier?: number; readonly maxAttempts: number };

/**
 * The delay before restart number `attempt` (1-based), or null when no restart is left.
 *
 * @example
 * restartDelay({ kind: 'fixed-delay', delayMs: 500, maxAttempts: 3 }, 2); // 500
 */
export function restartDelay(s: RestartStrategy, attempt: number): number | null {
  switch (s.kind) {
    case 'none':
      return null;
    case 'fixed-delay':
      return attempt <= s.maxAttempts ? s.delayMs : null;
    case 'exponential-backoff':
      if (attempt > s.maxAttempts) return null;
      return Math.min(s.maxDelayMs, s.initialDelayMs * (s.multiplier ?? 2) ** (attempt - 1));
  }
}
