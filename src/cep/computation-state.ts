/**
 * One partial match of a key: where it is in the NFA and where its events are in the shared
 * buffer. Short field names: thousands of these are kept per operator and checkpointed as they are.
 *
 * @example
 * const start: ComputationState = { s: program.start, n: -1, v: [1], st: -1, pt: -1, se: -1 };
 */
export interface ComputationState {
  /** NFA state (index into the program's states). */
  readonly s: number;
  /** Shared-buffer node of the last event taken, -1 for none. */
  readonly n: number;
  /** Dewey version of this branch. */
  readonly v: number[];
  /** Timestamp of the first event taken (-1 for none). */
  readonly st: number;
  /** Timestamp of the last event taken (-1 for none). */
  readonly pt: number;
  /** Id of the first event taken, -1 for none: partial matches are ordered by it. */
  readonly se: number;
}

/**
 * Orders partial matches by their first event, the start state last (Flink's comparator).
 *
 * @example
 * compareByStart(a, b) < 0; // a started earlier
 */
export function compareByStart(a: ComputationState, b: ComputationState): number {
  const x = a.se < 0 ? Number.POSITIVE_INFINITY : a.se;
  const y = b.se < 0 ? Number.POSITIVE_INFINITY : b.se;
  return x < y ? -1 : x > y ? 1 : 0;
}
