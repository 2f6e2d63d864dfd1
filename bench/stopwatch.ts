/**
 * The benchmark's only clock: a monotonic, sub-millisecond wall timer (process.hrtime) and the
 * process's CPU time (process.cpuUsage), read together. Eddy's systemClock is Date.now(), which
 * has millisecond resolution and can step with NTP, so it is not used for measuring.
 *
 * @example
 * const stop = startStopwatch();
 * work();
 * const { wallNs, cpuNs } = stop();
 */
export interface Elapsed {
  /** Wall time in nanoseconds. */
  readonly wallNs: number;
  /** User + system CPU time of the whole process (all threads, GC included) in nanoseconds. */
  readonly cpuNs: number;
}

export function startStopwatch(): () => Elapsed {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  return () => {
    const wall1 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    return { wallNs: Number(wall1 - wall0), cpuNs: (cpu.user + cpu.system) * 1000 };
  };
}
