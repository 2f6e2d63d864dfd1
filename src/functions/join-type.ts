import type { OutputTag } from './output-tag.ts';

/**
 * Which unmatched records a join emits besides the matches: none (inner), those of the left
 * input (left), of the right input (right), or of both (full). The missing side is `null`.
 *
 * @example
 * const t: JoinType = 'left'; // every left record appears, with null when nothing matched it
 */
export type JoinType = 'inner' | 'left' | 'right' | 'full';

/**
 * Whether a join of this type emits unmatched records of the given side (0 left, 1 right).
 *
 * @example
 * emitsUnmatched('left', 0); // true
 */
export function emitsUnmatched(type: JoinType, side: 0 | 1): boolean {
  return type === 'full' || (side === 0 ? type === 'left' : type === 'right');
}

/**
 * What a join function sees about the pair in hand: the timestamps of both sides (NaN for the
 * missing side of an unmatched record) and side outputs.
 *
 * @example
 * .process((click, buy, ctx, out) => out.collect({ ...click, lagMs: ctx.rightTimestamp() - ctx.leftTimestamp() }))
 */
export interface JoinContext {
  leftTimestamp(): number;
  rightTimestamp(): number;
  /** The output record's timestamp. */
  timestamp(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * The flat join function every join node carries (the builders wrap `apply` functions in one).
 *
 * @example
 * const fn: JoinFn = (l, r, _ctx, out) => out.collect({ l, r });
 */
export type JoinFn = { join(left: unknown, right: unknown, ctx: JoinContext, out: { collect(value: unknown): void }): void }['join'];
