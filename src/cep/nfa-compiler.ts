import {
  CEP_TRUE, IGNORE, PROCEED, TAKE, type CepCondition, type CepProgram, type CepSkip, type CepState,
} from '../plan/cep-program.ts';
import { MalformedPatternError } from './malformed-pattern-error.ts';
import { describePattern, type Consuming, type StageProps } from './pattern-props.ts';
import { patternWarnings } from './pattern-warnings.ts';

type Action = typeof TAKE | typeof IGNORE | typeof PROCEED;

/** A state while the graph is built; transitions stay mutable until the program is frozen. */
class BuildState {
  readonly transitions: { action: Action; target: BuildState; condition: CepCondition }[] = [];
  constructor(readonly index: number, readonly name: string, readonly stage: number, public kind: CepState['kind']) {}
  add(action: Action, target: BuildState, condition: CepCondition): void {
    this.transitions.push({ action, target, condition });
  }
}

const FALSE: CepCondition = () => false;

function not(c: CepCondition): CepCondition {
  if (c === CEP_TRUE) return FALSE;
  return (e, ctx) => !c(e, ctx);
}
function and(a: CepCondition, b: CepCondition): CepCondition {
  if (a === CEP_TRUE) return b;
  if (b === CEP_TRUE) return a;
  return (e, ctx) => a(e, ctx) && b(e, ctx);
}

/**
 * Compiles a pattern into an NFA, building the same graph Flink CEP 1.20's compiler builds (states
 * with TAKE / IGNORE / PROCEED edges, walked from the last stage back to `begin`), so that matches,
 * their order and the contiguity inside loops come out as Flink's. Rejects the patterns Flink
 * rejects, saying why.
 */
class Compiler {
  readonly states: BuildState[] = [];
  private readonly usedNames = new Set<string>();
  private readonly stopStates = new Map<string, BuildState>();
  private readonly firstOfLoop = new Map<StageProps, boolean>();
  /** Copies of a greedy loop's sink without the greedy conditions, by the sink's name (for until). */
  private readonly originalStates = new Map<string, BuildState>();
  private windowMs = 0;
  private current: StageProps;
  private following: StageProps | null = null;
  private group: StageProps | null = null;

  constructor(last: StageProps, private readonly stageIndex: ReadonlyMap<string, number>) {
    this.current = last;
  }

  compile(): BuildState {
    const last = this.current;
    let sink = this.createState('$endState$', -1, 'final');
    this.windowMs = last.within ?? 0;
    sink = this.createMiddleStates(sink);
    const start = this.convertPattern(sink);
    start.kind = 'start';
    if (last.consuming === 'not-followed-by' && this.windowMs === 0) {
      throw new MalformedPatternError(
        `the pattern ends in notFollowedBy('${last.name}') without within(ms): an absence needs a window to end in ` +
          '(e.g. "no payment within 15 minutes" is notFollowedBy(\'payment\')...within(15 * 60_000))',
      );
    }
    return start;
  }

  get window(): number {
    return this.windowMs;
  }

  private createState(base: string, stage: number, kind: CepState['kind']): BuildState {
    let name = base;
    for (let i = 0; this.usedNames.has(name); i++) name = `${base}:${i}`;
    this.usedNames.add(name);
    const s = new BuildState(this.states.length, name, stage, kind);
    this.states.push(s);
    return s;
  }

  /** A state of the current stage (or of the current group's loop head). */
  private stateOfCurrent(kind: CepState['kind']): BuildState {
    const c = this.current;
    return this.createState(c.group !== null ? 'group' : c.name, c.group !== null ? -1 : this.stageIndex.get(c.name)!, kind);
  }

  private createMiddleStates(sink: BuildState): BuildState {
    let lastSink = sink;
    while (this.current.previous !== null) {
      const c = this.current;
      if (c.consuming === 'not-followed-by') {
        // In the middle it becomes conditions on the next stage's edges; at the end, a pending state.
        if (this.windowMs > 0 && lastSink.kind === 'final') {
          const pending = this.stateOfCurrent('pending');
          const notCondition = this.takeCondition(c);
          pending.add(PROCEED, this.stopState(notCondition, c.name), notCondition);
          pending.add(IGNORE, pending, not(notCondition));
          lastSink = pending;
        }
      } else if (c.consuming === 'not-next') {
        const notNext = this.stateOfCurrent('normal');
        const notCondition = this.takeCondition(c);
        const stop = this.stopState(notCondition, c.name);
        // Before the final state the edge is an IGNORE, so that the match ends with the event
        // before (a PROCEED into the final state would not fire).
        if (lastSink.kind === 'final') notNext.add(IGNORE, lastSink, not(notCondition));
        else notNext.add(PROCEED, lastSink, not(notCondition));
        notNext.add(PROCEED, stop, notCondition);
        lastSink = notNext;
      } else {
        lastSink = this.convertPattern(lastSink);
      }
      this.following = c;
      this.current = c.previous!;
      const w = this.current.within;
      if (w !== null && (this.windowMs === 0 || w < this.windowMs)) this.windowMs = w;
    }
    return lastSink;
  }

  private convertPattern(sink: BuildState): BuildState {
    const c = this.current;
    let lastSink: BuildState;
    if (c.quantifier === 'looping') {
      this.setFirstOfLoop(false);
      const looping = this.createLooping(this.copyWithoutTransitiveNots(sink));
      this.setFirstOfLoop(true);
      lastSink = this.createTimesState(looping, sink, c.from, c.to);
    } else if (c.quantifier === 'times') {
      lastSink = this.createTimesState(sink, sink, c.from, c.to);
    } else {
      lastSink = this.createSingletonState(sink, sink, this.takeCondition(c), this.ignoreCondition(c), c.optional);
    }
    this.addStopStates(lastSink);
    return lastSink;
  }

  private stopState(notCondition: CepCondition, name: string): BuildState {
    let stop = this.stopStates.get(name);
    if (stop === undefined) {
      stop = this.createState(name, this.stageIndex.get(name)!, 'stop');
      stop.add(TAKE, stop, notCondition);
      this.stopStates.set(name, stop);
    }
    return stop;
  }

  /**
   * The negated (notFollowedBy) stages still in force at the current stage: the one right before
   * it, and those reached back through optional stages.
   */
  private currentNotConditions(): { condition: CepCondition; name: string }[] {
    const out: { condition: CepCondition; name: string }[] = [];
    let p = this.current;
    while (p.previous !== null && (p.previous.optional || p.previous.consuming === 'not-followed-by')) {
      p = p.previous;
      if (p.consuming === 'not-followed-by') out.push({ condition: this.takeCondition(p), name: p.name });
    }
    return out;
  }

  /**
   * Taking an event into an optional stage ends the negations before it: the TAKE edge leads to a
   * copy of the sink without their stop edges (only made when there is something to drop).
   */
  private copyWithoutTransitiveNots(sink: BuildState): BuildState {
    const nots = this.currentNotConditions();
    if (nots.length === 0 || !this.current.optional) return sink;
    const copy = this.createState(sink.name, sink.stage, sink.kind);
    for (const t of sink.transitions) {
      if (t.action === PROCEED) {
        let target = t.target;
        let remove = false;
        if (target.kind === 'stop') {
          for (const n of nots) if (target.stage === this.stageIndex.get(n.name)) remove = true;
        } else {
          target = this.copyWithoutTransitiveNots(t.target);
        }
        if (!remove) copy.add(t.action, target, t.condition);
      } else {
        copy.add(t.action, t.target === sink ? copy : t.target, t.condition);
      }
    }
    return copy;
  }

  private copy(state: BuildState): BuildState {
    const base = state.name.split(':')[0];
    const copy = this.createState(base, state.stage, state.kind);
    for (const t of state.transitions) copy.add(t.action, t.target === state ? copy : t.target, t.condition);
    return copy;
  }

  private addStopStates(state: BuildState): void {
    for (const n of this.currentNotConditions()) state.add(PROCEED, this.stopState(n.condition, n.name), n.condition);
  }

  private addStopStateToLooping(state: BuildState): void {
    const f = this.following;
    if (f !== null && f.consuming === 'not-followed-by') {
      const notCondition = this.takeCondition(f);
      state.add(PROCEED, this.stopState(notCondition, f.name), notCondition);
    }
  }

  /** A times (or the counted part of a looping) stage: `from` states that must take, then optional ones up to `to`. */
  private createTimesState(sink: BuildState, proceed: BuildState, from: number, to: number): BuildState {
    const c = this.current;
    let lastSink = sink;
    this.setFirstOfLoop(false);
    const until = c.until;
    const innerIgnore = withUntil(this.innerIgnoreCondition(c), until, false);
    const take = withUntil(this.takeCondition(c), until, true)!;
    if (c.greedy && from !== to) {
      if (until !== null) this.originalStates.set(sink.name, this.copy(sink));
      this.makeGreedy(sink, take);
    }
    for (let i = from; i < to; i++) {
      lastSink = this.createSingletonState(lastSink, proceed, take, innerIgnore, true);
      this.addStopStateToLooping(lastSink);
    }
    for (let i = 0; i < from - 1; i++) {
      lastSink = this.createSingletonState(lastSink, null, take, innerIgnore, false);
      this.addStopStateToLooping(lastSink);
    }
    this.setFirstOfLoop(true);
    return this.createSingletonState(lastSink, proceed, take, this.ignoreCondition(c), c.optional);
  }

  private setFirstOfLoop(first: boolean): void {
    if (this.current.group !== null) this.firstOfLoop.set(this.current, first);
  }

  private isFirstOfLoop(): boolean {
    return this.group === null ? true : this.firstOfLoop.get(this.group) ?? true;
  }

  private headOfGroup(p: StageProps): boolean {
    return this.group !== null && p.previous === null;
  }

  private headOfOptionalGroup(p: StageProps): boolean {
    return this.headOfGroup(p) && this.isFirstOfLoop() && this.group!.optional;
  }

  /**
   * A stage that takes one event. An optional one gets a twin without the PROCEED edge as the
   * target of its IGNORE edge, so that each PROCEED branch is created only once.
   */
  private createSingletonState(sink: BuildState, proceed: BuildState | null, take: CepCondition, ignore: CepCondition | null, optional: boolean): BuildState {
    const c = this.current;
    if (c.group !== null) return this.createGroupState(c, sink, proceed!, optional);
    const single = this.stateOfCurrent('normal');
    const takeSink = this.copyWithoutTransitiveNots(sink);
    single.add(TAKE, takeSink, take);
    const proceedCondition = this.trueCondition();
    if (optional) {
      if (c.greedy) {
        const until = c.until;
        if (until !== null) single.add(PROCEED, this.originalStates.get(proceed!.name)!, and(proceedCondition, until));
        single.add(PROCEED, proceed!, until !== null ? and(proceedCondition, not(until)) : proceedCondition);
      } else {
        single.add(PROCEED, proceed!, proceedCondition);
      }
    }
    if (ignore !== null) {
      let ignoreState: BuildState;
      if (optional || this.headOfOptionalGroup(c)) {
        ignoreState = this.stateOfCurrent('normal');
        ignoreState.add(TAKE, takeSink, take);
        ignoreState.add(IGNORE, ignoreState, ignore);
        this.addStopStates(ignoreState);
      } else {
        ignoreState = single;
      }
      single.add(IGNORE, ignoreState, ignore);
    }
    return single;
  }

  private createGroupState(group: StageProps, sink: BuildState, proceed: BuildState, optional: boolean): BuildState {
    const proceedCondition = this.trueCondition();
    const saved = [this.current, this.following, this.group] as const;
    this.group = group;
    this.current = group.group!;
    let lastSink = this.createMiddleStates(sink);
    lastSink = this.convertPattern(lastSink);
    // The group's first state can proceed past the whole group.
    if (optional) lastSink.add(PROCEED, proceed, proceedCondition);
    [this.current, this.following, this.group] = saved;
    return lastSink;
  }

  private createLoopingGroupState(group: StageProps, sink: BuildState): BuildState {
    const proceedCondition = this.trueCondition();
    const saved = [this.current, this.following, this.group] as const;
    const head = this.stateOfCurrent('normal');
    this.group = group;
    this.current = group.group!;
    let lastSink = this.createMiddleStates(head);
    lastSink = this.convertPattern(lastSink);
    lastSink.add(PROCEED, sink, proceedCondition);
    head.add(PROCEED, lastSink, proceedCondition);
    [this.current, this.following, this.group] = saved;
    return lastSink;
  }

  /** A state with a TAKE edge to itself and a PROCEED edge on; its IGNORE edge leads to a twin without the PROCEED. */
  private createLooping(sink: BuildState): BuildState {
    const c = this.current;
    if (c.group !== null) return this.createLoopingGroupState(c, sink);
    const until = c.until;
    const ignore = withUntil(this.innerIgnoreCondition(c), until, false);
    const take = withUntil(this.takeCondition(c), until, true)!;
    const proceedCondition = this.trueCondition();
    const looping = this.stateOfCurrent('normal');
    if (c.greedy) {
      if (until !== null) {
        const copy = this.copy(sink);
        looping.add(PROCEED, copy, and(proceedCondition, until));
        this.originalStates.set(sink.name, copy);
      }
      looping.add(PROCEED, sink, until !== null ? and(proceedCondition, not(until)) : proceedCondition);
      this.makeGreedy(sink, this.takeCondition(c));
    } else {
      looping.add(PROCEED, sink, proceedCondition);
    }
    looping.add(TAKE, looping, take);
    this.addStopStateToLooping(looping);
    if (ignore !== null) {
      const ignoreState = this.stateOfCurrent('normal');
      ignoreState.add(TAKE, looping, take);
      ignoreState.add(IGNORE, ignoreState, ignore);
      looping.add(IGNORE, ignoreState, ignore);
      this.addStopStateToLooping(ignoreState);
    }
    return looping;
  }

  /** A greedy loop keeps an event the loop can take away from the stage after it. */
  private makeGreedy(state: BuildState, take: CepCondition): void {
    const notTake = not(take);
    for (const t of state.transitions) t.condition = and(t.condition, notTake);
  }

  private contiguityCondition(strategy: Consuming, p: StageProps): CepCondition | null {
    switch (strategy) {
      case 'strict': return null;
      case 'relaxed': return not(p.condition ?? CEP_TRUE);
      case 'any': return CEP_TRUE;
      default: return null;
    }
  }

  private groupUntil(c: CepCondition | null, isTake: boolean): CepCondition | null {
    const g = this.group;
    return g !== null && g.until !== null ? withUntil(c, g.until, isTake) : c;
  }

  private innerIgnoreCondition(p: StageProps): CepCondition | null {
    const strategy = this.headOfGroup(p) ? this.group!.inner : p.inner;
    return this.groupUntil(this.contiguityCondition(strategy, p), false);
  }

  private ignoreCondition(p: StageProps): CepCondition | null {
    let strategy: Consuming = p.consuming;
    if (this.headOfGroup(p)) strategy = this.isFirstOfLoop() ? this.group!.consuming : this.group!.inner;
    return this.groupUntil(this.contiguityCondition(strategy, p), false);
  }

  private takeCondition(p: StageProps): CepCondition {
    return this.groupUntil(p.condition ?? CEP_TRUE, true)!;
  }

  private trueCondition(): CepCondition {
    return this.groupUntil(CEP_TRUE, true)!;
  }
}

function withUntil(c: CepCondition | null, until: CepCondition | null, isTake: boolean): CepCondition | null {
  if (until !== null && c !== null) return and(not(until), c);
  if (until !== null && isTake) return not(until);
  return c;
}

/** Every stage name of a pattern (groups' stages included) in order; throws on a duplicate. */
function stageNames(last: StageProps): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (p: StageProps): void => {
    const chain: StageProps[] = [];
    for (let s: StageProps | null = p; s !== null; s = s.previous) chain.push(s);
    for (const s of chain.reverse()) {
      if (s.group !== null) walk(s.group);
      else {
        if (seen.has(s.name)) throw new MalformedPatternError(`the stage name '${s.name}' is used twice; stage names must be unique in a pattern (a match holds events by stage name)`);
        seen.add(s.name);
        names.push(s.name);
      }
    }
  };
  walk(last);
  return names;
}

/** A PROCEED cycle would make the NFA loop forever on one event (a looping group of optional stages only). */
function checkProceedCycles(states: readonly BuildState[], describe: string): void {
  const state = new Uint8Array(states.length); // 0 new, 1 on the path, 2 done
  const visit = (s: BuildState): void => {
    state[s.index] = 1;
    for (const t of s.transitions) {
      if (t.action !== PROCEED) continue;
      if (state[t.target.index] === 1) {
        throw new MalformedPatternError(`${describe}: a looping group whose stages are all optional could match nothing forever; make at least one stage inside the group required`);
      }
      if (state[t.target.index] === 0) visit(t.target);
    }
    state[s.index] = 2;
  };
  for (const s of states) if (state[s.index] === 0) visit(s);
}

/**
 * Compiles a pattern (its last stage's props) to the frozen NFA a CEP plan node runs. Throws a
 * MalformedPatternError for a pattern that cannot run, saying why.
 *
 * @example
 * const program = compilePattern(patternProps(p), AfterMatchSkipStrategy.noSkip().spec);
 */
export function compilePattern(last: StageProps, skip: CepSkip): CepProgram {
  const describe = describePattern(last);
  const names = stageNames(last);
  const index = new Map(names.map((n, i) => [n, i]));
  if (skip.stage !== null) {
    // As Flink: the stage must be one of the pattern's own stages (not one inside a group).
    let found = false;
    for (let s: StageProps | null = last; s !== null; s = s.previous) if (s.group === null && s.name === skip.stage) found = true;
    if (!found) throw new MalformedPatternError(`after-match strategy ${skip.kind}('${skip.stage}'): the pattern has no stage '${skip.stage}' outside groups; its stages are ${names.map((n) => `'${n}'`).join(', ')}`);
  }
  const compiler = new Compiler(last, index);
  const start = compiler.compile();
  checkProceedCycles(compiler.states, describe);
  const states: CepState[] = compiler.states.map((s) => Object.freeze({
    name: s.name, stage: s.stage, kind: s.kind,
    transitions: Object.freeze(s.transitions.map((t) => Object.freeze({ action: t.action, target: t.target.index, condition: t.condition }))),
  }));
  const negated = new Set<string>();
  const collectNegated = (p: StageProps): void => {
    for (let s: StageProps | null = p; s !== null; s = s.previous) {
      if (s.group !== null) collectNegated(s.group);
      else if (s.consuming === 'not-next' || s.consuming === 'not-followed-by') negated.add(s.name);
    }
  };
  collectNegated(last);
  return Object.freeze({
    states: Object.freeze(states),
    start: start.index,
    stages: Object.freeze(names),
    matchStages: Object.freeze(names.map((_, i) => i).filter((i) => !negated.has(names[i]))),
    windowMs: compiler.window,
    skip,
    description: describe,
    warnings: Object.freeze(patternWarnings(last, compiler.window)),
  });
}
