import type { ComputationState } from './computation-state.ts';
import { isCompatible } from './dewey.ts';

/**
 * An event of a key held for its partial matches: value, timestamp, reference count.
 *
 * @example
 * const e: BufferedEvent = { v: auth, t: 1_000, r: 1 };
 */
export interface BufferedEvent {
  readonly v: unknown;
  readonly t: number;
  r: number;
}

/**
 * An edge back to the previous event of a branch (`to` -1: the branch's first event), with the branch's version.
 *
 * @example
 * const edge: BufferEdge = { to: -1, v: [1, 0], r: 1 };
 */
export interface BufferEdge {
  readonly to: number;
  readonly v: number[];
  r: number;
}

/**
 * An event as taken into one stage: its edges back, one per branch that took it there.
 *
 * @example
 * const node: BufferNode = { r: 1, e: [{ to: -1, v: [1, 0], r: 1 }] };
 */
export interface BufferNode {
  r: number;
  readonly e: BufferEdge[];
}

/**
 * The whole CEP state of one key, plain data so that the keyed state backend (heap or LMDB) can
 * store and checkpoint it: its partial matches (heap arrays in Flink's order), the matches
 * waiting to be emitted (skip strategies emit in start order), and the shared buffer (each event
 * once, with reference counts; nodes are events in a stage, linked back through versioned edges).
 *
 * @example
 * const ks = initialKeyState(program.start);
 */
export interface CepKeyState {
  /** Id of the key's next event (ids order events as they were processed). */
  next: number;
  partial: ComputationState[];
  completed: ComputationState[];
  readonly events: Map<number, BufferedEvent>;
  readonly nodes: Map<number, BufferNode>;
}

/** A key with nothing but the NFA's start state. @example initialKeyState(0).partial.length; // 1 */
export function initialKeyState(start: number): CepKeyState {
  return { next: 0, partial: [startState(start)], completed: [], events: new Map(), nodes: new Map() };
}

/** The start state at its first version, one per start state index: partial matches never change, so keys share it. */
const startStates: ComputationState[] = [];

function startState(start: number): ComputationState {
  return (startStates[start] ??= { s: start, n: -1, v: [1], st: -1, pt: -1, se: -1 });
}

/**
 * Puts a key state that holds nothing but the start state back to how `initialKeyState` makes it
 * (for reuse without allocating), as if the key had never been seen.
 *
 * @example
 * if (nfa.isEmpty(ks)) resetKeyState(ks, program.start);
 */
export function resetKeyState(ks: CepKeyState, start: number): void {
  ks.next = 0;
  const s = ks.partial[0];
  if (ks.partial.length === 1) {
    if (s.v.length !== 1 || s.v[0] !== 1) ks.partial[0] = startState(start);
  } else {
    ks.partial.length = 0;
    ks.partial.push(startState(start));
  }
  if (ks.completed.length !== 0) ks.completed.length = 0;
  if (ks.events.size > 0) ks.events.clear();
  if (ks.nodes.size > 0) ks.nodes.clear();
}

/**
 * Operations on a key's shared buffer (Flink's SharedBuffer and SharedBufferAccessor): events are
 * stored once and referenced by nodes; a node per (event, stage) holds an edge per branch that
 * took the event into that stage. Locks count the partial matches that need a node or edge;
 * releasing the last lock frees it, and with the last node of an event, the event.
 *
 * @example
 * const buffer = new SharedBuffer(program.stages.length);
 * buffer.ks = keyState;
 * const id = buffer.registerEvent(value, ts);
 */
export class SharedBuffer {
  /** The key being worked on; set before each use. */
  ks!: CepKeyState;
  private readonly nodeStack: number[] = [];
  private readonly versionStack: number[][] = [];

  constructor(private readonly stageCount: number) {}

  /** The node of `event` taken into `stage`. */
  nodeId(event: number, stage: number): number {
    return event * this.stageCount + stage;
  }
  eventOf(node: number): number {
    return Math.floor(node / this.stageCount);
  }
  stageOf(node: number): number {
    return node % this.stageCount;
  }

  registerEvent(value: unknown, time: number): number {
    const id = this.ks.next++;
    this.ks.events.set(id, { v: value, t: time, r: 1 });
    return id;
  }

  /** Records that a branch (at `version`, coming from `previous`) took `event` into `stage`. */
  put(stage: number, event: number, previous: number, version: number[]): number {
    if (previous >= 0) this.lockNode(previous, version);
    const id = this.nodeId(event, stage);
    const nodes = this.ks.nodes;
    let node = nodes.get(id);
    if (node === undefined) {
      node = { r: 0, e: [] };
      nodes.set(id, node);
      this.ks.events.get(event)!.r++;
    }
    node.e.push({ to: previous, v: version, r: 0 });
    return id;
  }

  lockNode(id: number, version: readonly number[]): void {
    const node = this.ks.nodes.get(id);
    if (node === undefined) return;
    node.r++;
    const edges = node.e;
    for (let i = 0; i < edges.length; i++) if (isCompatible(version, edges[i].v)) edges[i].r++;
  }

  /**
   * Releases a branch's hold on `id` and on the chain behind it, freeing what no branch holds any
   * more. (Flink stops at the first node already gone, which can leave the rest of a chain behind;
   * this walks on.)
   */
  releaseNode(id: number, version: number[]): void {
    const nodes = this.ks.nodes;
    const ids = this.nodeStack;
    const versions = this.versionStack;
    ids.push(id);
    versions.push(version);
    while (ids.length > 0) {
      const cur = ids.pop()!;
      const v = versions.pop()!;
      const node = nodes.get(cur);
      if (node === undefined) continue;
      const edges = node.e;
      let w = 0;
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i];
        if (isCompatible(v, edge.v) && release(edge)) {
          if (edge.to >= 0) {
            ids.push(edge.to);
            versions.push(edge.v);
          }
          continue;
        }
        edges[w++] = edge;
      }
      if (w !== edges.length) edges.length = w;
      if (release(node)) {
        nodes.delete(cur);
        this.releaseEvent(this.eventOf(cur));
      }
    }
  }

  releaseEvent(id: number): void {
    const events = this.ks.events;
    const e = events.get(id);
    if (e !== undefined && release(e)) events.delete(id);
  }

  eventValue(id: number): unknown {
    return this.ks.events.get(id)!.v;
  }

  /**
   * Every path of events that ends in node `id` and is compatible with `version`, each as node ids
   * from the last event back to the first (Flink's extractPatterns, in its order).
   */
  extract(id: number, version: number[]): number[][] {
    const result: number[][] = [];
    const nodes = this.ks.nodes;
    if (!nodes.has(id)) return result;
    const stack: { at: number; v: number[]; path: number[] }[] = [{ at: id, v: version, path: [] }];
    while (stack.length > 0) {
      const { at, v, path } = stack.pop()!;
      if (at < 0) {
        result.push(path);
        continue;
      }
      path.push(at);
      let first = true;
      const edges = nodes.get(at)!.e;
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i];
        if (!isCompatible(v, edge.v)) continue;
        const next = first ? path : path.slice();
        first = false;
        stack.push({ at: edge.to, v: edge.v, path: next });
      }
    }
    return result;
  }

  /** The path of a partial match (none for the start state). */
  currentPath(cs: ComputationState): number[] | null {
    if (cs.n < 0) return null;
    const paths = this.extract(cs.n, cs.v);
    return paths.length === 0 ? null : paths[0];
  }
}

function release(x: { r: number }): boolean {
  if (x.r <= 0) return true;
  x.r--;
  return x.r === 0;
}
