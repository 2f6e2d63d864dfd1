import type { ConditionContext, PatternCondition } from '../functions/pattern-function.ts';
import type { CepCondition } from '../plan/cep-program.ts';
import type { AfterMatchSkipStrategy } from './after-match-skip-strategy.ts';
import { MalformedPatternError } from './malformed-pattern-error.ts';
import type { Consuming, StageProps } from './pattern-props.ts';

/**
 * The stages of a pattern so far: stage name -> type of its events.
 *
 * @example
 * type S = { declines: Auth; approved: Auth }; // a StageMap
 */
export type StageMap = object;

/**
 * `S` with stage `N` (of events `E`) added or replaced.
 *
 * @example
 * type S = WithStage<{ a: Auth }, 'b', Auth>; // { a: Auth; b: Auth }
 */
export type WithStage<S, N extends string, E> = { [K in keyof S | N]: K extends N ? E : K extends keyof S ? S[K] : never };

/**
 * The stages of two patterns together (a group's stages join the outer pattern's).
 *
 * @example
 * type S = MergeStages<{ a: Auth }, { b: Auth; c: Auth }>; // { a: Auth; b: Auth; c: Auth }
 */
export type MergeStages<S, S2> = { [K in keyof S | keyof S2]: K extends keyof S2 ? S2[K] : K extends keyof S ? S[K] : never };

/**
 * What a match of a pattern with stages `S` holds: the events of every stage, by stage name, oldest
 * first (an empty array for an optional stage that took none). Negated stages are not in it.
 *
 * @example
 * type M = MatchOf<{ declines: Auth; approved: Auth }>; // { declines: Auth[]; approved: Auth[] }
 */
export type MatchOf<S> = { [K in keyof S]: S[K][] };

/**
 * What every pattern can do, a single stage or a group: add the next stage, quantify the last one,
 * bound the whole pattern in time. Each call returns a new pattern (patterns are immutable);
 * `S` grows with each stage, so a match's stages are known to the compiler.
 *
 * @example
 * const p: PatternBuilder<Auth, { a: Auth; b: Auth }> = Pattern.of<Auth>().begin('a').next('b');
 */
export interface PatternBuilder<T, S extends StageMap> {
  /** The stages and event type, for inference only (never set). */
  readonly __types?: { readonly events: T; readonly stages: S };
  /** Strict contiguity: the stage's first event is the event right after the previous stage's last. */
  next<const N extends string>(name: N): Pattern<T, WithStage<S, N, T>, N, T>;
  next<S2 extends StageMap>(group: PatternBuilder<T, S2>): GroupPattern<T, MergeStages<S, S2>>;
  /** Relaxed contiguity: events that do not match are skipped; the first that matches is taken. */
  followedBy<const N extends string>(name: N): Pattern<T, WithStage<S, N, T>, N, T>;
  followedBy<S2 extends StageMap>(group: PatternBuilder<T, S2>): GroupPattern<T, MergeStages<S, S2>>;
  /** Non-deterministic relaxed contiguity: every later matching event starts its own branch. */
  followedByAny<const N extends string>(name: N): Pattern<T, WithStage<S, N, T>, N, T>;
  followedByAny<S2 extends StageMap>(group: PatternBuilder<T, S2>): GroupPattern<T, MergeStages<S, S2>>;
  /** The event right after the previous stage must not match this stage's condition. */
  notNext<const N extends string>(name: N): Pattern<T, S, never, T>;
  /**
   * No event matching this stage's condition may come between the previous stage and the next;
   * at the end of a pattern (with `within`): none may come within the window (an absence).
   */
  notFollowedBy<const N extends string>(name: N): Pattern<T, S, never, T>;
  /** Exactly `n` events. */
  times(n: number): this;
  /** Between `from` and `to` events (`from` 0 makes the stage optional). */
  times(from: number, to: number): this;
  /** `n` or more events: a looping stage. */
  timesOrMore(n: number): this;
  /** One or more events: a looping stage. */
  oneOrMore(): this;
  /** The stage may take no event at all. */
  optional(): this;
  /** Strict contiguity between the events of a looping or times stage (default: relaxed). */
  consecutive(): this;
  /** Non-deterministic relaxed contiguity between the events of a looping or times stage. */
  allowCombinations(): this;
  /** The whole match must fit in `ms`: last event time - first event time < ms. */
  within(ms: number): this;
}

/**
 * A pattern whose last stage is a single named stage: conditions go to that stage.
 * `E` is the type of that stage's events (narrowed by a type-guard `where`).
 *
 * @example
 * Pattern.begin<Auth>('declines').where((a) => a.status === 'DECLINED').timesOrMore(3)
 *   .followedBy('approved').where((a) => a.status === 'APPROVED' && a.amount > 500)
 *   .within(10 * 60_000);
 */
export interface Pattern<T, S extends StageMap, N extends string, E extends T> extends PatternBuilder<T, S> {
  /** Narrows the stage's events to `F` (Flink's subtype), and requires the guard. */
  where<F extends E>(guard: (event: E, ctx: ConditionContext<S>) => event is F): Pattern<T, WithStage<S, N, F>, N, F>;
  /** Adds a condition (all conditions of a stage must hold). */
  where(condition: PatternCondition<E, S>): this;
  /** An alternative condition: the stage takes an event that satisfies its conditions so far or this one. */
  or(condition: PatternCondition<E, S>): this;
  /** Ends a looping stage: an event satisfying this is not taken and closes the loop. */
  until(condition: PatternCondition<E, S>): this;
  /** A looping or times stage takes as many events as it can before the next stage gets one. */
  greedy(): this;
}

/**
 * A group of stages quantified as one (`Pattern.begin(group)`, `next(group)` ...). A group has no
 * condition of its own: conditions go on the stages inside it.
 *
 * @example
 * const pair = Pattern.of<Reading>().begin('hot').where((r) => r.temp > 80).next('hotter').where((r) => r.temp > 90);
 * Pattern.begin(pair).times(2).followedBy('alarm');
 */
export interface GroupPattern<T, S extends StageMap> extends PatternBuilder<T, S> {
  /** Ends a looping group: an event satisfying this closes the loop. */
  until(condition: PatternCondition<T, S>): this;
}

/**
 * Starts a pattern of events of type `T` with every stage name known to the compiler.
 *
 * @example
 * const p = Pattern.of<Auth>().begin('declines').where((a) => a.status === 'DECLINED').oneOrMore();
 */
export interface PatternStart<T> {
  begin<const N extends string>(name: N, skip?: AfterMatchSkipStrategy<string>): Pattern<T, { [K in N]: T }, N, T>;
  begin<S extends StageMap>(group: PatternBuilder<T, S>, skip?: AfterMatchSkipStrategy<string>): GroupPattern<T, S>;
}

const EMPTY: Omit<StageProps, 'name' | 'previous' | 'consuming' | 'text' | 'skip'> = Object.freeze({
  group: null, quantifier: 'single', optional: false, greedy: false, inner: 'relaxed', from: 1, to: 1,
  condition: null, until: null, within: null,
});

/**
 * @internal The one implementation of Pattern and GroupPattern: one frozen props object.
 *
 * @example
 * new PatternImpl(props).next('b');
 */
export class PatternImpl {
  constructor(readonly props: StageProps) {
    Object.freeze(this);
  }

  private with(change: Partial<StageProps>, call: string): PatternImpl {
    return new PatternImpl(Object.freeze({ ...this.props, ...change, text: `${this.props.text}.${call}` }));
  }

  private stage(name: string): string {
    return this.props.group !== null ? 'the group' : `stage '${name}'`;
  }

  private then(target: unknown, consuming: Consuming, call: string): PatternImpl {
    const p = this.props;
    if ((consuming === 'not-next' || consuming === 'not-followed-by') && p.optional) {
      throw new MalformedPatternError(
        `${call}(...) after the optional ${this.stage(p.name)}: a negated stage cannot follow an optional one (Flink does not support it either); ` +
          'write two patterns, one with the optional stage and one without it',
      );
    }
    if (target instanceof PatternImpl) {
      if (consuming === 'not-next' || consuming === 'not-followed-by') throw new MalformedPatternError(`${call}() takes a stage name, not a group`);
      return new PatternImpl(groupProps(target.props, p, consuming, p.skip, `${call}(${describeGroup(target.props)})`));
    }
    return new PatternImpl(Object.freeze({ ...EMPTY, name: checkStageName(target, call), previous: p, consuming, skip: p.skip, text: `${call}('${String(target)}')` }));
  }

  next(target: unknown): PatternImpl {
    return this.then(target, 'strict', 'next');
  }
  followedBy(target: unknown): PatternImpl {
    return this.then(target, 'relaxed', 'followedBy');
  }
  followedByAny(target: unknown): PatternImpl {
    return this.then(target, 'any', 'followedByAny');
  }
  notNext(name: string): PatternImpl {
    return this.then(name, 'not-next', 'notNext');
  }
  notFollowedBy(name: string): PatternImpl {
    return this.then(name, 'not-followed-by', 'notFollowedBy');
  }

  where(condition: PatternCondition<unknown, unknown>): PatternImpl {
    this.noGroup('where');
    const c = checkCondition(condition, 'where');
    const prev = this.props.condition;
    return this.with({ condition: prev === null ? c : and(prev, c) }, 'where(..)');
  }

  or(condition: PatternCondition<unknown, unknown>): PatternImpl {
    this.noGroup('or');
    const c = checkCondition(condition, 'or');
    const prev = this.props.condition;
    return this.with({ condition: prev === null ? c : or(prev, c) }, 'or(..)');
  }

  until(condition: PatternCondition<unknown, unknown>): PatternImpl {
    const p = this.props;
    const c = checkCondition(condition, 'until');
    if (p.until !== null) throw new MalformedPatternError(`${this.stage(p.name)} already has an until() condition; a stage takes one (combine them in one function)`);
    if (p.quantifier !== 'looping') {
      throw new MalformedPatternError(`until() applies to looping stages (oneOrMore, timesOrMore), and ${this.stage(p.name)} is not one: call oneOrMore() or timesOrMore(n) before until()`);
    }
    return this.with({ until: c }, 'until(..)');
  }

  times(from: number, to?: number): PatternImpl {
    this.quantifiable('times');
    if (to === undefined) {
      checkCount(from, 'times(n)', 1);
      return this.with({ quantifier: 'times', from, to: from, inner: 'relaxed' }, `times(${from})`);
    }
    checkCount(from, 'times(from, to): from', 0);
    checkCount(to, 'times(from, to): to', 1);
    const optional = from === 0;
    const lo = optional ? 1 : from;
    if (to < lo) throw new MalformedPatternError(`times(${from}, ${to}) on ${this.stage(this.props.name)}: to must be >= from${optional ? ' (and >= 1)' : ''}`);
    return this.with({ quantifier: 'times', from: lo, to, optional, inner: 'relaxed' }, `times(${from}, ${to})`);
  }

  timesOrMore(n: number): PatternImpl {
    this.quantifiable('timesOrMore');
    checkCount(n, 'timesOrMore(n)', 1);
    return this.with({ quantifier: 'looping', from: n, to: n, inner: 'relaxed' }, `timesOrMore(${n})`);
  }

  oneOrMore(): PatternImpl {
    this.quantifiable('oneOrMore');
    return this.with({ quantifier: 'looping', from: 1, to: 1, inner: 'relaxed' }, 'oneOrMore()');
  }

  optional(): PatternImpl {
    const p = this.props;
    if (p.previous !== null && p.previous.greedy) {
      throw new MalformedPatternError(`optional() on ${this.stage(p.name)}: an optional stage cannot follow a greedy one (Flink rejects it too)`);
    }
    if (p.optional) throw new MalformedPatternError(`optional() is applied twice to ${this.stage(p.name)}`);
    if (p.consuming === 'not-next' || p.consuming === 'not-followed-by') throw new MalformedPatternError(`the negated stage '${p.name}' cannot be optional`);
    return this.with({ optional: true }, 'optional()');
  }

  greedy(): PatternImpl {
    const p = this.props;
    this.notNegated('greedy');
    this.noGroup('greedy');
    if (p.inner === 'any') throw new MalformedPatternError(`greedy() does not combine with allowCombinations() (stage '${p.name}')`);
    if (p.quantifier === 'single') throw new MalformedPatternError(`greedy() applies to looping or times stages, and stage '${p.name}' takes one event: call oneOrMore(), timesOrMore(n) or times(...) first`);
    return this.with({ greedy: true }, 'greedy()');
  }

  consecutive(): PatternImpl {
    const p = this.props;
    if (p.quantifier === 'single') throw new MalformedPatternError(`consecutive() applies to looping or times stages, and ${this.stage(p.name)} takes one event: call oneOrMore(), timesOrMore(n) or times(...) first`);
    if (p.inner === 'any') throw new MalformedPatternError(`${this.stage(p.name)}: apply either consecutive() or allowCombinations(), not both`);
    if (p.inner === 'strict') throw new MalformedPatternError(`consecutive() is applied twice to ${this.stage(p.name)}`);
    return this.with({ inner: 'strict' }, 'consecutive()');
  }

  allowCombinations(): PatternImpl {
    const p = this.props;
    if (p.quantifier === 'single') throw new MalformedPatternError(`allowCombinations() applies to looping or times stages, and ${this.stage(p.name)} takes one event: call oneOrMore(), timesOrMore(n) or times(...) first`);
    if (p.inner === 'strict') throw new MalformedPatternError(`${this.stage(p.name)}: apply either consecutive() or allowCombinations(), not both`);
    if (p.inner === 'any') throw new MalformedPatternError(`allowCombinations() is applied twice to ${this.stage(p.name)}`);
    return this.with({ inner: 'any' }, 'allowCombinations()');
  }

  within(ms: number): PatternImpl {
    if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
      throw new MalformedPatternError(`within(${String(ms)}): the window must be a positive, finite number of milliseconds`);
    }
    return this.with({ within: ms }, `within(${ms})`);
  }

  toString(): string {
    return this.props.text;
  }

  private noGroup(call: string): void {
    if (this.props.group !== null) throw new MalformedPatternError(`${call}() does not apply to a group: put it on the stages inside the group`);
  }

  private notNegated(call: string): void {
    const c = this.props.consuming;
    if (c === 'not-next' || c === 'not-followed-by') throw new MalformedPatternError(`${call}() does not apply to the negated stage '${this.props.name}'`);
  }

  private quantifiable(call: string): void {
    const p = this.props;
    this.notNegated(call);
    if (p.quantifier !== 'single') throw new MalformedPatternError(`${this.stage(p.name)} already has a quantifier (${p.quantifier === 'looping' ? 'looping' : `times(${p.from}, ${p.to})`}); a stage takes one`);
    // Flink replaces the quantifier and silently forgets an optional() given before it.
    if (p.optional) throw new MalformedPatternError(`${call}() after optional() on ${this.stage(p.name)}: write the quantifier first, then optional() (e.g. oneOrMore().optional())`);
  }
}

function groupProps(inner: StageProps, previous: StageProps | null, consuming: Consuming, skip: AfterMatchSkipStrategy<string> | null, text: string): StageProps {
  return Object.freeze({ ...EMPTY, name: '', previous, group: inner, consuming, skip, text });
}

function describeGroup(p: StageProps): string {
  const parts: string[] = [];
  for (let s: StageProps | null = p; s !== null; s = s.previous) parts.push(s.text);
  return parts.reverse().join('.');
}

function checkStageName(name: unknown, call: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new MalformedPatternError(`${call}(name): a stage name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}

function checkCondition(c: unknown, call: string): CepCondition {
  if (typeof c !== 'function') throw new MalformedPatternError(`${call}(condition): the condition must be a function (event, ctx) => boolean`);
  return c as CepCondition;
}

function checkCount(n: number, what: string, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new MalformedPatternError(`${what} must be an integer >= ${min}, got ${String(n)}`);
}

/** Conditions combine once, when the pattern is built. */
function and(a: CepCondition, b: CepCondition): CepCondition {
  return (e, ctx) => a(e, ctx) && b(e, ctx);
}
function or(a: CepCondition, b: CepCondition): CepCondition {
  return (e, ctx) => a(e, ctx) || b(e, ctx);
}

function begin(target: unknown, skip?: AfterMatchSkipStrategy<string>): PatternImpl {
  const s = skip ?? null;
  if (target instanceof PatternImpl) return new PatternImpl(groupProps(target.props, null, 'strict', s, `begin(${describeGroup(target.props)})`));
  return new PatternImpl(Object.freeze({ ...EMPTY, name: checkStageName(target, 'begin'), previous: null, consuming: 'strict', skip: s, text: `begin('${String(target)}')` }));
}

/**
 * Where patterns start. `Pattern.begin<Auth>('declines')` reads as in Flink; TypeScript cannot infer
 * the stage name when the event type is given explicitly, so the first stage's name is then only a
 * `string` to the compiler. `Pattern.of<Auth>().begin('declines')` knows every stage name, so that a
 * misspelled stage in a match is a compile error.
 *
 * @example
 * const p = Pattern.begin<Auth>('declines').where((a) => a.status === 'DECLINED').timesOrMore(3)
 *   .followedBy('approved').where((a) => a.status === 'APPROVED' && a.amount > 500).within(10 * 60_000);
 * const typed = Pattern.of<Auth>().begin('declines').where((a) => a.status === 'DECLINED');
 */
export const Pattern = {
  /** The first stage, or a group of stages quantified together. */
  begin: begin as unknown as {
    <T, const N extends string = string>(name: N, skip?: AfterMatchSkipStrategy<string>): Pattern<T, { [K in N]: T }, N, T>;
    <T, S extends StageMap>(group: PatternBuilder<T, S>, skip?: AfterMatchSkipStrategy<string>): GroupPattern<T, S>;
  },
  /** Binds the event type first, so that `begin` infers the stage name. */
  of<T>(): PatternStart<T> {
    return { begin } as unknown as PatternStart<T>;
  },
};

/**
 * The frozen props of a pattern built with `Pattern`.
 *
 * @example
 * patternProps(Pattern.begin<number>('a')).name; // 'a'
 */
export function patternProps(p: unknown): StageProps {
  if (!(p instanceof PatternImpl)) throw new Error('not a pattern built with Pattern.begin(...)');
  return p.props;
}
