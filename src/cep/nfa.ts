import type { ConditionContext } from '../functions/pattern-function.ts';
import { CEP_TRUE, IGNORE, PROCEED, type CepProgram, type CepState, type CepTransition } from '../plan/cep-program.ts';
import { compareByStart, type ComputationState } from './computation-state.ts';
import { addStage, increase, increaseAndAddStage } from './dewey.ts';
import { SkipPruner } from './skip-pruner.ts';
import { SharedBuffer, type CepKeyState } from './shared-buffer.ts';
import { offer, poll } from './start-ordered-queue.ts';

/**
 * A match or a timed-out partial match: every match stage's events by stage name.
 *
 * @example
 * const m: CepMatch = { declines: [d1, d2, d3], approved: [a] };
 */
export type CepMatch = Record<string, unknown[]>;

/**
 * Where the NFA hands its results, in Flink's order: matches as they are found, timed-out partial
 * matches after the matches of the same time step.
 *
 * @example
 * const out: NfaOutput = { match: (m, t) => emit(m, t), timedOut: (m, t) => late(m, t) };
 */
export interface NfaOutput {
  match(match: CepMatch, time: number): void;
  timedOut(match: CepMatch, time: number): void;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * Runs a compiled pattern over one key's state at a time: `process` feeds an event, `advanceTime`
 * tells that no event before a time will come (partial matches older than `within` time out, and
 * an absence at the end of a pattern completes). The same steps as Flink CEP 1.20's NFA, so the
 * same matches in the same order; the state is the key's plain-data CepKeyState.
 *
 * Per event it allocates only the partial matches it creates (and their versions); the decision
 * graph, stacks and condition context are reused.
 *
 * @example
 * const nfa = new Nfa(program, true, () => clock.now());
 * nfa.process(keyState, event, ts, out);
 * nfa.advanceTime(keyState, watermark, out);
 */
export class Nfa implements ConditionContext<Record<string, unknown>> {
  readonly buffer: SharedBuffer;
  private readonly states: readonly CepState[];
  private readonly pruner: SkipPruner;
  private readonly skips: boolean;
  private readonly window: number;
  private readonly stageIndex: Map<string, number>;
  // Decision graph of one partial match and one event, reused.
  private readonly edges: CepTransition[] = [];
  private readonly edgeSources: number[] = [];
  private readonly stack: number[] = [];
  private readonly next: ComputationState[] = [];
  private nextCount = 0;
  private readonly retained: ComputationState[] = [];
  private readonly timeouts: { match: CepMatch; time: number }[] = [];
  /** The partial-match array a key gave up at its last step, reused as the next one's (empty). */
  private spare: ComputationState[] = [];
  private readonly potential: ComputationState[] = [];
  // Condition context: the partial match whose conditions are being evaluated.
  private cs: ComputationState | null = null;
  /** The partial match being advanced went on unchanged (its own lock on the buffer carried over). */
  private carried = false;
  private eventTime = 0;
  private partialMatch: Map<number, unknown[]> | null = null;
  private eventId = -1;
  /** Partial matches ended by `within` so far (for metrics). */
  timedOutCount = 0;

  constructor(readonly program: CepProgram, private readonly handleTimeout: boolean, private readonly now: () => number) {
    this.states = program.states;
    this.buffer = new SharedBuffer(Math.max(1, program.stages.length));
    this.pruner = new SkipPruner(program, this.buffer);
    this.skips = program.skip.kind !== 'no-skip';
    this.window = program.windowMs;
    this.stageIndex = new Map(program.stages.map((n, i) => [n, i]));
  }

  /** Feeds one event of the key (events come in timestamp order). */
  process(ks: CepKeyState, event: unknown, time: number, out: NfaOutput): void {
    this.buffer.ks = ks;
    this.eventTime = time;
    this.eventId = -1;
    const partial = ks.partial;
    const newPartial = this.spare;
    const potential = this.potential;
    const next = this.next;
    const retained = this.retained;
    for (let i = 0; i < partial.length; i++) {
      this.nextCount = 0;
      this.computeNextStates(partial[i], event, time);
      let discard = false;
      let kept = 0;
      const n = this.nextCount;
      for (let j = 0; j < n; j++) {
        const ncs = next[j];
        const kind = this.states[ncs.s].kind;
        if (kind === 'final') offer(potential, ncs);
        else if (kind === 'stop') {
          // A negated stage saw its event: this branch ends here.
          discard = true;
          this.buffer.releaseNode(ncs.n, ncs.v);
        } else retained[kept++] = ncs;
      }
      if (discard) for (let j = 0; j < kept; j++) this.buffer.releaseNode(retained[j].n, retained[j].v);
      else for (let j = 0; j < kept; j++) offer(newPartial, retained[j]);
    }
    ks.partial = newPartial;
    clear(partial);
    this.spare = partial;
    this.emitMatches(ks, potential, newPartial, time, out);
    if (this.eventId >= 0) this.buffer.releaseEvent(this.eventId);
    this.cs = null;
    this.partialMatch = null;
  }

  /**
   * No event before `time` will come: partial matches that `within` has passed time out (to
   * `out.timedOut` when the pattern function wants them), and patterns ending in an absence complete.
   */
  advanceTime(ks: CepKeyState, time: number, out: NfaOutput): void {
    this.buffer.ks = ks;
    const w = this.window;
    const partial = ks.partial;
    // Rebuilding the heap from an unchanged array gives the same array: skip it when nothing ends.
    if (ks.completed.length === 0 && !this.anyTimedOut(partial, time)) return;
    const newPartial = this.spare;
    const potential = this.potential;
    const timeouts = this.timeouts;
    for (let i = 0; i < partial.length; i++) {
      const cs = partial[i];
      const state = this.states[cs.s];
      if (w > 0 && state.kind !== 'start' && time - cs.st >= w) {
        if (state.kind === 'pending') {
          offer(potential, cs);
          continue;
        }
        this.timedOutCount++;
        if (this.handleTimeout) timeouts.push({ match: this.materialize(this.buffer.currentPath(cs)), time: cs.st + w });
        this.buffer.releaseNode(cs.n, cs.v);
      } else {
        offer(newPartial, cs);
      }
    }
    ks.partial = newPartial;
    clear(partial);
    this.spare = partial;
    this.emitMatches(ks, potential, newPartial, time, out);
    if (timeouts.length > 0) {
      for (let i = 0; i < timeouts.length; i++) out.timedOut(timeouts[i].match, timeouts[i].time);
      timeouts.length = 0;
    }
  }

  private anyTimedOut(partial: readonly ComputationState[], time: number): boolean {
    const w = this.window;
    if (w <= 0) return false;
    for (let i = 0; i < partial.length; i++) {
      const cs = partial[i];
      if (cs.st >= 0 && time - cs.st >= w && this.states[cs.s].kind !== 'start') return true;
    }
    return false;
  }

  /** Partial matches of a key (its start state not counted), matches waiting for their turn included. */
  static partialCount(ks: CepKeyState): number {
    return ks.partial.length - 1 + ks.completed.length;
  }

  /** True when the key holds nothing but the start state: its state can go. */
  isEmpty(ks: CepKeyState): boolean {
    return ks.completed.length === 0 && ks.partial.length === 1 && this.states[ks.partial[0].s].kind === 'start';
  }

  /** The earliest time at which one of the key's partial matches times out (+Infinity for none). */
  nextTimeout(ks: CepKeyState): number {
    const w = this.window;
    if (w <= 0) return Number.POSITIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    const partial = ks.partial;
    for (let i = 0; i < partial.length; i++) {
      const cs = partial[i];
      if (cs.st >= 0 && this.states[cs.s].kind !== 'start' && cs.st + w < min) min = cs.st + w;
    }
    return min;
  }

  private computeNextStates(cs: ComputationState, event: unknown, time: number): void {
    this.cs = cs;
    this.carried = false;
    this.partialMatch = null;
    const states = this.states;
    const edges = this.edges;
    const sources = this.edgeSources;
    const stack = this.stack;
    let count = 0;
    let takes = 0;
    let ignores = 0;
    stack.push(cs.s);
    while (stack.length > 0) {
      const from = stack.pop()!;
      const transitions = states[from].transitions;
      for (let i = 0; i < transitions.length; i++) {
        const t = transitions[i];
        if (t.condition !== CEP_TRUE && !t.condition(event, this)) continue;
        if (t.action === PROCEED) stack.push(t.target);
        else {
          edges[count] = t;
          sources[count++] = from;
          if (t.action === IGNORE) {
            if (t.target !== cs.s) ignores++;
          } else takes++;
        }
      }
    }
    const isStart = states[cs.s].kind === 'start';
    const totalTakeToSkip = Math.max(0, takes - 1);
    let takeToVisit = totalTakeToSkip;
    let ignoreToVisit = ignores;
    for (let i = 0; i < count; i++) {
      const edge = edges[i];
      if (edge.action === IGNORE) {
        if (isStart) continue;
        let version: number[];
        if (edge.target === cs.s) version = increase(cs.v, selfIncrease(ignores, takes));
        else {
          version = increaseAndAddStage(cs.v, totalTakeToSkip + ignoreToVisit);
          ignoreToVisit--;
        }
        this.add(edge.target, cs.n, version, cs.st, cs.pt, cs.se);
      } else {
        const current = increase(cs.v, takeToVisit);
        const nextVersion = addStage(current);
        takeToVisit--;
        if (this.eventId < 0) this.eventId = this.buffer.registerEvent(event, time);
        const node = this.buffer.put(states[sources[i]].stage, this.eventId, cs.n, current);
        const st = isStart ? time : cs.st;
        const se = isStart ? this.eventId : cs.se;
        this.add(edge.target, node, nextVersion, st, time, se);
        const final = this.finalAfterProceed(edge.target, event);
        if (final >= 0) this.add(final, node, nextVersion, st, time, se);
      }
    }
    if (isStart) {
      const inc = selfIncrease(ignores, takes);
      // The start state stays; its version moves on when the event opened branches from it.
      this.next[this.nextCount++] = inc === 0 ? cs : { s: cs.s, n: -1, v: increase(cs.v, inc), st: -1, pt: -1, se: -1 };
    }
    if (cs.n >= 0 && !this.carried) this.buffer.releaseNode(cs.n, cs.v);
  }

  private add(state: number, node: number, version: number[], st: number, pt: number, se: number): void {
    const cs = this.cs!;
    if (!this.carried && state === cs.s && node === cs.n && version === cs.v && st === cs.st && pt === cs.pt && se === cs.se) {
      // The partial match stays as it was (an ignored event, a relaxed wait): the same object, and
      // its lock on the buffer carries over instead of a lock now and a release at the end.
      this.carried = true;
      this.next[this.nextCount++] = cs;
      return;
    }
    this.next[this.nextCount++] = { s: state, n: node, v: version, st, pt, se };
    if (node >= 0) this.buffer.lockNode(node, version);
  }

  /** The final state, if `state` reaches it through PROCEED edges whose conditions hold. */
  private finalAfterProceed(state: number, event: unknown): number {
    const stack = this.stack;
    stack.push(state);
    while (stack.length > 0) {
      const transitions = this.states[stack.pop()!].transitions;
      for (let i = 0; i < transitions.length; i++) {
        const t = transitions[i];
        if (t.action !== PROCEED || (t.condition !== CEP_TRUE && !t.condition(event, this))) continue;
        if (this.states[t.target].kind === 'final') {
          stack.length = 0;
          return t.target;
        }
        stack.push(t.target);
      }
    }
    return -1;
  }

  /**
   * Emits the completed matches whose turn it is: with a skip strategy, only once no partial match
   * that started earlier is left (they would take precedence), each match pruning the others.
   */
  private emitMatches(ks: CepKeyState, potential: ComputationState[], partial: ComputationState[], time: number, out: NfaOutput): void {
    const completed = ks.completed;
    for (let i = 0; i < potential.length; i++) offer(completed, potential[i]);
    clear(potential);
    while (completed.length > 0) {
      const m = completed[0];
      if (this.skips && partial.length > 0 && compareByStart(m, partial[0]) > 0) break;
      poll(completed);
      const paths = this.buffer.extract(m.n, m.v);
      if (this.skips) {
        this.pruner.prune(partial, paths);
        this.pruner.prune(completed, paths);
      }
      out.match(this.materialize(paths[0] ?? null), this.stampOf(m, time));
      this.buffer.releaseNode(m.n, m.v);
    }
  }

  /**
   * The output time of a match emitted at `time`: an absence completes at its first event plus
   * `within` (when it became certain, whatever watermark revealed it); a match released at the end
   * of input gets the time of its last event rather than +Infinity.
   */
  private stampOf(m: ComputationState, time: number): number {
    if (this.states[m.s].kind === 'pending') return m.st + this.window;
    return Number.isFinite(time) ? time : m.pt;
  }

  /** A match object: every match stage's events, oldest first. */
  private materialize(path: number[] | null): CepMatch {
    const program = this.program;
    const match: CepMatch = {};
    const stages = program.matchStages;
    for (let i = 0; i < stages.length; i++) match[program.stages[stages[i]]] = [];
    if (path === null) return match;
    for (let i = path.length - 1; i >= 0; i--) {
      const list = match[program.stages[this.buffer.stageOf(path[i])]];
      if (list !== undefined) list.push(this.buffer.eventValue(this.buffer.eventOf(path[i])));
    }
    return match;
  }

  // --- ConditionContext (of the partial match being advanced) ---------------------------------

  getEventsForPattern(name: string): readonly unknown[] {
    if (this.partialMatch === null) {
      const byStage = new Map<number, unknown[]>();
      const path = this.cs === null ? null : this.buffer.currentPath(this.cs);
      if (path !== null) {
        for (let i = path.length - 1; i >= 0; i--) {
          const stage = this.buffer.stageOf(path[i]);
          let list = byStage.get(stage);
          if (list === undefined) byStage.set(stage, (list = []));
          list.push(this.buffer.eventValue(this.buffer.eventOf(path[i])));
        }
      }
      this.partialMatch = byStage;
    }
    const stage = this.stageIndex.get(name);
    if (stage === undefined) throw new Error(`getEventsForPattern('${name}'): the pattern has no stage '${name}'; its stages are ${this.program.stages.map((s) => `'${s}'`).join(', ')}`);
    return this.partialMatch.get(stage) ?? EMPTY;
  }

  timestamp(): number {
    return this.eventTime;
  }

  currentProcessingTime(): number {
    return this.now();
  }
}

/**
 * Empties an array and keeps its capacity for the next step's entries: setting `length` is a
 * runtime call that also gives the backing store back, while popping a short array is inline.
 */
function clear(a: unknown[]): void {
  if (a.length > 32) a.length = 0;
  else while (a.length > 0) a.pop();
}

function selfIncrease(ignores: number, takes: number): number {
  return takes === 0 && ignores === 0 ? 0 : ignores + Math.max(1, takes);
}
