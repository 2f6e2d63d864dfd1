/** Where in the checkpoint cycle a kill landed: the columns of the chaos table. */
export type ChaosPhase =
  /** records flowing, no checkpoint of this run under way */
  | 'processing'
  /** a checkpoint under way: sinks pre-committing, state files or the manifest being written */
  | 'snapshot'
  /** the checkpoint's manifest is durable, its output not (all) published: between pre-commit and commit */
  | 'commit'
  /** a restarted run restoring its checkpoint and recovering its sinks' output */
  | 'recovery'
  /** a timed kill whose phase cannot be read off what the process left (Kafka, scale-out) */
  | 'unclassified';

/** One kill: where it landed, or null when the run finished before the kill point came. */
export interface ChaosKill {
  readonly phase: ChaosPhase | null;
  readonly detail: string;
}

/** One trial: a fresh start, its kills and restarts, then a run to the end compared with the oracle. */
export interface ChaosTrial {
  readonly kills: readonly ChaosKill[];
  /** Why the committed result differs from the oracle (or a check after a kill failed); null when equal. */
  readonly mismatch: string | null;
  readonly ms: number;
}

/**
 * One crash scenario of the chaos run: a job, its sinks and state backend, an oracle from a run
 * that was never killed, and trials that kill it.
 *
 * @example
 * await s.setup(dir); const t = await s.trial(0, 4, prng(7)); await s.teardown();
 */
export interface ChaosScenario {
  readonly name: string;
  /** Share of the kills relative to the other scenarios (a slow one gets fewer). */
  readonly weight: number;
  /** Kills per trial at most: each trial then restarts once more and runs to the end. */
  readonly killsPerTrial: number;
  /** Writes the input and runs the oracle. */
  setup(dir: string): Promise<void>;
  /** Runs trial `index` with `kills` kill points drawn from `rnd`. */
  trial(index: number, kills: number, rnd: () => number): Promise<ChaosTrial>;
  teardown(): Promise<void>;
}
