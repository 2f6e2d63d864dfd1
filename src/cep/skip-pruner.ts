import type { CepProgram, CepSkip } from '../plan/cep-program.ts';
import type { ComputationState } from './computation-state.ts';
import type { SharedBuffer } from './shared-buffer.ts';
import { retain } from './start-ordered-queue.ts';

/**
 * Applies an after-match skip strategy: from a match just emitted, finds the event before which
 * (or at which) other partial matches may not have started, and drops those, releasing their
 * hold on the shared buffer. Event ids order events as they were processed, which is Flink's
 * (timestamp, arrival) order.
 *
 * @example
 * const pruner = new SkipPruner(program, buffer);
 * pruner.prune(partialMatches, paths);
 */
export class SkipPruner {
  private readonly skip: CepSkip;
  private readonly stage: number;
  private readonly keep: boolean[] = [];

  constructor(program: CepProgram, private readonly buffer: SharedBuffer) {
    this.skip = program.skip;
    this.stage = program.skip.stage === null ? -1 : program.stages.indexOf(program.skip.stage);
  }

  /** Drops from `queue` the partial matches the match (its paths, last event first) rules out. */
  prune(queue: ComputationState[], paths: readonly number[][]): void {
    const kind = this.skip.kind;
    if (kind === 'no-skip' || queue.length === 0) return;
    const pruningId = this.pruningId(paths);
    if (pruningId < 0) return;
    const inclusive = kind === 'skip-to-next' || kind === 'skip-past-last-event';
    const keep = this.keep;
    keep.length = queue.length;
    let any = false;
    for (let i = 0; i < queue.length; i++) {
      const cs = queue[i];
      const drop = cs.se >= 0 && (inclusive ? cs.se <= pruningId : cs.se < pruningId);
      keep[i] = !drop;
      if (drop) {
        any = true;
        this.buffer.releaseNode(cs.n, cs.v);
      }
    }
    if (any) retain(queue, keep);
  }

  private pruningId(paths: readonly number[][]): number {
    const b = this.buffer;
    const kind = this.skip.kind;
    let id = -1;
    for (const path of paths) {
      if (kind === 'skip-past-last-event') {
        for (const node of path) id = Math.max(id, b.eventOf(node));
      } else if (kind === 'skip-to-next') {
        for (const node of path) {
          const e = b.eventOf(node);
          if (id < 0 || e < id) id = e;
        }
      } else {
        // path runs from the last event back: the stage's first event is the last one found.
        let first = -1;
        let last = -1;
        let start = -1;
        for (const node of path) {
          const e = b.eventOf(node);
          if (start < 0 || e < start) start = e;
          if (b.stageOf(node) !== this.stage) continue;
          if (last < 0) last = e;
          first = e;
        }
        const target = kind === 'skip-to-first' ? first : last;
        if (target < 0) {
          if (this.skip.throwOnMiss) throw new Error(`could not skip to '${this.skip.stage}': the match has no event in that stage (${kind}(...).throwExceptionOnMiss())`);
        } else {
          id = Math.max(id, target);
          if (this.skip.throwOnMiss && target === start) {
            throw new Error(`could not skip to the first event of a match (${kind}('${this.skip.stage}') names its first event, which would find the same match again)`);
          }
        }
      }
    }
    return id;
  }
}
