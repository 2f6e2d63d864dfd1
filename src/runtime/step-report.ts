/**
 * What one `step()` of the running graph did, and what its caller must do before the next one.
 * The graph reuses one report object: read it before stepping again.
 *
 * @example
 * let r = graph.step();
 * while (r.turn !== null) { await r.turn; r = graph.step(); }
 * if (r.done) return;
 * if (r.checkpointDue) await checkpoints.start(r.now);
 */
export interface StepReport {
  /**
   * A bounded job's source read is under way in the middle of the round: await it, then step
   * again, and the round goes on from that source. Bounded jobs take one batch from each source
   * in turn, whatever the I/O timing, so a replay of the same files interleaves the same way.
   * While this is set, nothing else in the report is current.
   */
  turn: Promise<void> | null;
  /** Every source has ended and no async operator holds records: the run can finish. */
  done: boolean;
  /** The round delivered a batch or handed on async results. */
  worked: boolean;
  /** Processing time when the round ended (the time a checkpoint started now is taken at). */
  now: number;
  /** The checkpoint hook says a checkpoint or savepoint is due at `now`. */
  checkpointDue: boolean;
  /** Some sink holds more than its capacity: flush it before the next round (slow sinks slow sources). */
  sinksOverCapacity: boolean;
  /**
   * When the round did nothing: the earliest processing time something is due (a timer, an
   * idleness check), and what may bring work sooner (reads in flight, async operators' attempts).
   * Not computed (NaN, empty) after a round that worked.
   */
  nextDeadline: number;
  progress: Promise<void>[];
}
