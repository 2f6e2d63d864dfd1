/**
 * What one measured run reports, whichever system ran it (Eddy, the Flink peer or a hand-written
 * loop): one JSON line on the child process's stdout.
 *
 * @example
 * const r: RunResult = JSON.parse(stdout);
 * const perCore = r.events / (r.cpuNs / 1e9);
 */
export interface RunResult {
  readonly system: 'eddy' | 'flink' | 'hand';
  readonly query: string;
  readonly events: number;
  /** Records that reached the sink. */
  readonly results: number;
  /** CPU time of the process (every thread) while the query ran, generator included. */
  readonly cpuNs: number;
  readonly wallNs: number;
  /** Checkpoints completed during the run. */
  readonly checkpoints: number;
  /** Peak resident set size of the process, kB. */
  readonly maxRssKb: number;
  /** Eddy only: the most JS heap in use seen by a 20 ms sampler, kB, and how many samples it took. */
  readonly heapPeakKb?: number;
  readonly heapSamples?: number;
}

/**
 * Events per second per core: events over CPU seconds.
 *
 * @example
 * perCore({ events: 1e6, cpuNs: 5e8, ... }); // 2_000_000
 */
export function perCore(r: Pick<RunResult, 'events' | 'cpuNs'>): number {
  return r.events / (r.cpuNs / 1e9);
}
