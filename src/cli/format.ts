// Number and duration formats shared by the progress line and the summary.

/**
 * A count with thousands separators, independent of the user's locale.
 *
 * @example
 * formatCount(1234567); // '1,234,567'
 */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A duration for humans: milliseconds below a second, one decimal below a minute, then h/m/s.
 *
 * @example
 * formatDuration(12); // '12 ms'
 * formatDuration(4_250); // '4.3 s'
 * formatDuration(3_725_000); // '1h02m05s'
 */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 59_950) return `${(ms / 1_000).toFixed(1)} s`; // 59_950 would round up to '60.0 s'
  const total = Math.round(ms / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${s}s` : `${m}m${s}s`;
}

/**
 * Records per second of `records` over `ms` milliseconds; 0 when no time has passed.
 *
 * @example
 * ratePerSecond(500, 250); // 2000
 */
export function ratePerSecond(records: number, ms: number): number {
  return ms > 0 ? (records * 1_000) / ms : 0;
}
