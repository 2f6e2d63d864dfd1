import type { ConditionContext } from '../functions/pattern-function.ts';

/**
 * A compiled condition. Conditions are composed once, when a pattern compiles (and, or, not,
 * until), never per event. `CEP_TRUE` is recognized by identity so the NFA skips calling it.
 *
 * @example
 * const big: CepCondition = (a) => a.amount > 500;
 */
export type CepCondition = { test(event: unknown, ctx: ConditionContext<Record<string, unknown>>): boolean }['test'];

/** The condition that always holds. @example CEP_TRUE(e, ctx); // true */
export const CEP_TRUE: CepCondition = () => true;

/** TAKE consumes the event into the state's stage. @example transition.action === TAKE */
export const TAKE = 0;
/** IGNORE skips the event and stays (or moves without consuming it). @example transition.action === IGNORE */
export const IGNORE = 1;
/** PROCEED moves on without consuming, before the event is looked at (an epsilon edge). @example transition.action === PROCEED */
export const PROCEED = 2;

/**
 * An edge of the NFA: action, target state (index into `CepProgram.states`), condition.
 *
 * @example
 * const edge: CepTransition = { action: TAKE, target: 3, condition: CEP_TRUE };
 */
export interface CepTransition {
  readonly action: typeof TAKE | typeof IGNORE | typeof PROCEED;
  readonly target: number;
  readonly condition: CepCondition;
}

/**
 * A state of the NFA. `stage` is the pattern stage whose events it takes (index into
 * `CepProgram.stages`), -1 for states that take none (the final state, a group's loop head).
 * Stop states end a partial match (a negated stage saw its event); a pending state is the end of
 * a pattern that ends in notFollowedBy: it completes when `within` passes.
 *
 * @example
 * program.states[program.start].transitions.length;
 */
export interface CepState {
  readonly name: string;
  readonly stage: number;
  readonly kind: 'start' | 'normal' | 'final' | 'stop' | 'pending';
  readonly transitions: readonly CepTransition[];
}

/**
 * What happens after a match, as data: which partial matches are dropped (Flink's
 * AfterMatchSkipStrategy). `stage` names the stage of skipToFirst / skipToLast.
 *
 * @example
 * const skip: CepSkip = { kind: 'skip-past-last-event', stage: null, throwOnMiss: false };
 */
export interface CepSkip {
  readonly kind: 'no-skip' | 'skip-to-next' | 'skip-past-last-event' | 'skip-to-first' | 'skip-to-last';
  readonly stage: string | null;
  readonly throwOnMiss: boolean;
}

/**
 * A pattern compiled to an NFA, frozen: what a CEP plan node runs. Built by the pattern compiler
 * in cep/ from a Pattern; read by the NFA there and by explain.
 *
 * @example
 * const program = compilePattern(pattern, { skip: AfterMatchSkipStrategy.noSkip() });
 * program.states.length; program.windowMs;
 */
export interface CepProgram {
  readonly states: readonly CepState[];
  readonly start: number;
  /** Every stage name in pattern order, negated stages included (their events never reach a match). */
  readonly stages: readonly string[];
  /** Stages whose events a match holds (not the negated ones), in pattern order. */
  readonly matchStages: readonly number[];
  /** `within` of the pattern (the smallest given), 0 for none. */
  readonly windowMs: number;
  readonly skip: CepSkip;
  /** The pattern as the user wrote it, for explain. */
  readonly description: string;
  /** What explain should point out: patterns whose state cannot be bounded, stages that can never match. */
  readonly warnings: readonly string[];
}
