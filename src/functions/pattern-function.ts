import type { Collector } from './collector.ts';
import type { OutputTag } from './output-tag.ts';

/**
 * Events accepted so far, per stage of a pattern: what an iterative condition can look at.
 * `S` maps each stage name to the type of its events.
 *
 * @example
 * Pattern.begin<Auth>('declines').where((a) => a.status === 'DECLINED').oneOrMore()
 *   .next('approved').where((a, ctx) => a.amount > ctx.getEventsForPattern('declines').length * 100);
 */
export interface ConditionContext<S> {
  /** The events the partial match has accepted into stage `name` so far (empty when none), oldest first. */
  getEventsForPattern<K extends keyof S & string>(name: K): readonly S[K][];
  /** Timestamp of the event being tested (event time, or the processing time it arrived at). */
  timestamp(): number;
  currentProcessingTime(): number;
}

/**
 * A condition of a pattern stage: `where`, `or`, `until`. A plain predicate, or one that reads the
 * partial match through `ctx` (an iterative condition).
 *
 * @example
 * const big: PatternCondition<Auth, {}> = (a) => a.amount > 500;
 */
export type PatternCondition<E, S> = (event: E, ctx: ConditionContext<S>) => boolean;

/**
 * What a pattern function can do besides emitting: the match's timestamp, the clock, side outputs.
 *
 * @example
 * processTimedOutMatch(match, ctx) { ctx.output(timedOut, { card: match.declines[0].card, at: ctx.timestamp() }); }
 */
export interface PatternContext {
  /**
   * Timestamp of the output: the event that completed the match; for a partial match that timed
   * out, its first event's time plus `within`.
   */
  timestamp(): number;
  currentProcessingTime(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * Turns the matches of a pattern into output. `match` holds every stage's events by stage name
 * (an empty array for an optional stage that took none). `processTimedOutMatch`, when given,
 * receives the partial matches that `within` ended before they completed.
 *
 * @example
 * CEP.pattern(auths.keyBy((a) => a.card), pattern).process<Alert>({
 *   processMatch(match, ctx, out) { out.collect({ card: match.approved[0].card, declines: match.declines.length }); },
 *   processTimedOutMatch(match, ctx) { ctx.output(timedOut, { card: match.declines[0].card }); },
 * });
 */
export interface PatternProcessFunction<M, R> {
  processMatch(match: M, ctx: PatternContext, out: Collector<R>): void;
  processTimedOutMatch?(match: M, ctx: PatternContext): void;
}
