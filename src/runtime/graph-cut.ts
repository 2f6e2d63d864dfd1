/*
 * The cut: a consistent snapshot of a running graph as plain data, and putting one back. It lives
 * in runtime/ because it is the one place that knows the graph's parts (operators and their
 * state, source readers and their split watermarks, sink writers); the checkpoint coordinator
 * and restore (checkpoint/, above) and the test driver (testing/, above) all go through it, and
 * none of them walks the graph's fields. What a cut is stored as (files, a manifest, a test
 * driver's bytes) is their business, not this module's.
 */
import type { StateChanges } from '../state/state-table.ts';
import type { RunningGraph } from './running-graph.ts';

/**
 * One operator's keyed state at a cut: all of it, what changed since the previous cut, or a copy
 * the backend writes itself (LMDB) into `dir`, done when `written` resolves. `state` and
 * `changes` may reference live values: encode them before the graph steps again.
 */
export type KeyedCut =
  | { readonly kind: 'full'; readonly state: unknown }
  | { readonly kind: 'delta'; readonly changes: StateChanges }
  | { readonly kind: 'copy'; readonly dir: string; readonly written: Promise<void> };

/** One operator at a cut (sources and sinks have parts of their own). */
export interface OperatorCut {
  /** Its plan node id. */
  readonly node: number;
  /** Its local state (timers, panes) as its `snapshot` gives it; undefined for an operator without. */
  readonly local: unknown;
  readonly keyed: KeyedCut | null;
  /** Keys and approximate bytes of its keyed state at the cut (0 without). */
  readonly keys: number;
  readonly bytes: number;
  /** Its input watermark (min over its inputs), and each input's. */
  readonly watermark: number;
  readonly inputWatermarks: readonly number[];
}

/** One source at a cut: where its reader resumes, and its watermarks. */
export interface SourceCut {
  readonly node: number;
  /** The reader's position (from before a read still in flight: nothing of it has been delivered). */
  readonly position: unknown;
  readonly splitWatermarks: readonly number[];
  /** The source's own watermark (min over its live splits). */
  readonly watermark: number;
  readonly finished: boolean;
}

/** One sink at a cut: what its writer's pre-commit returned, for `commit` (and `recover` after a restore). */
export interface SinkCut {
  readonly node: number;
  readonly token: unknown;
}

/** A graph at a cut: operators and sources (sinks are sealed after, with `sealSinks`). */
export interface GraphCut {
  readonly operators: readonly OperatorCut[];
  readonly sources: readonly SourceCut[];
}

/** How keyed state is taken at a cut. */
export interface CutOptions {
  /** Whether an operator (by plan node id) may give what changed since the previous cut; otherwise all of it. */
  readonly delta: (node: number) => boolean;
  /**
   * Where a backend that copies itself (LMDB) writes a full copy, given the operator's plan node
   * id and its index among the cut's operators; null: full state is taken as data.
   */
  readonly copyDir: ((node: number, index: number) => string) | null;
}

/**
 * Takes the cut of the graph's operators and sources. Call it between rounds of `step()`, when no
 * record is in flight: then it is consistent, as if barriers had been injected at every source
 * and aligned at every operator. A backend that prefers a full snapshot (most keys changed) gives
 * one even where a delta is allowed.
 *
 * @example
 * const cut = cutGraph(graph, { delta: () => false, copyDir: null });
 */
export function cutGraph(graph: RunningGraph, options: CutOptions): GraphCut {
  const operators: OperatorCut[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'source' || node.kind === 'sink') continue;
    const backend = node.backend;
    let keyed: KeyedCut | null = null;
    let keys = 0;
    let bytes = 0;
    if (backend !== null) {
      const full = !options.delta(node.id) || backend.prefersFull?.() === true;
      if (full && backend.copyTo !== undefined && options.copyDir !== null) {
        // The backend copies itself off the main thread; the cut only starts the copy.
        const dir = options.copyDir(node.id, operators.length);
        const written = backend.copyTo(dir);
        written.catch(() => {}); // whoever stores the cut awaits it; a failure there fails that
        keyed = { kind: 'copy', dir, written };
      } else if (full) {
        backend.resetChanges();
        keyed = { kind: 'full', state: backend.snapshot() };
      } else {
        keyed = { kind: 'delta', changes: backend.changes() };
      }
      for (const s of backend.stats()) {
        keys += s.keys;
        bytes += s.bytes;
      }
    }
    const wm = node.watermarkState();
    operators.push({
      node: node.id, local: node.local !== null ? node.local.snapshot() : undefined, keyed, keys, bytes,
      watermark: wm.watermark, inputWatermarks: wm.inputs,
    });
  }
  return { operators, sources: cutSources(graph) };
}

/** The sources' part of a cut alone (at-most-once jobs log it before every batch). */
export function cutSources(graph: RunningGraph): SourceCut[] {
  return graph.sources.map((task) => {
    const s = task.snapshotState();
    return { node: task.node.id, position: s.position, splitWatermarks: s.splitWatermarks, watermark: task.node.currentWatermark(), finished: s.finished };
  });
}

/**
 * The sinks' part of a cut, taken right after `cutGraph`, before the graph steps again: with
 * `twoPhase`, a writer that has two-phase commit seals what it holds (pre-commit) and gives a
 * token; every other writer flushes. In writer order, one at a time.
 *
 * @example
 * const sinks = await sealSinks(graph, 12, config.guarantee === 'exactly-once');
 */
export async function sealSinks(graph: RunningGraph, checkpointId: number, twoPhase: boolean): Promise<SinkCut[]> {
  const sinks: SinkCut[] = [];
  for (const w of graph.writers) {
    if (twoPhase && w.writer.preCommit) sinks.push({ node: w.node.id, token: await w.writer.preCommit(checkpointId) });
    else await w.writer.flush();
  }
  return sinks;
}

/** Once the cut is stored for good: sinks publish what their tokens name, in order. */
export async function commitSinks(graph: RunningGraph, checkpointId: number, sinks: readonly SinkCut[]): Promise<void> {
  for (const s of sinks) {
    const w = graph.writers.find((x) => x.node.id === s.node);
    await w?.writer.commit?.(checkpointId, s.token);
  }
}

/** Once the cut is stored for good: each source's reader hears which of its positions is (Kafka commits offsets). */
export function notifyCheckpointComplete(graph: RunningGraph, checkpointId: number, sources: readonly SourceCut[]): void {
  for (const s of sources) graph.sources.find((t) => t.node.id === s.node)?.reader.notifyCheckpointComplete?.(checkpointId, s.position);
}

/** A part of a stored cut that must be read before it goes back (a checkpoint's state file). */
export class Later<T> {
  constructor(readonly load: () => Promise<T>) {}
}

/**
 * One link of an operator's keyed-state chain as it goes back: a full snapshot, a delta on top of
 * what came before, or a copy a backend wrote itself (`asSnapshot` reads it for a backend that
 * cannot take the copy as it is: a job that moved from LMDB to the heap).
 */
export type KeyedLink =
  | { readonly kind: 'full'; readonly state: unknown }
  | { readonly kind: 'delta'; readonly changes: StateChanges }
  | { readonly kind: 'copy'; readonly dir: string; readonly asSnapshot: () => Promise<unknown> };

/** One operator's part of a stored cut. */
export interface StoredOperator {
  readonly node: number;
  /** How errors name the operator, e.g. "'count' (window)". */
  readonly label: string;
  /** Its local state; undefined when the cut holds none. */
  readonly local: unknown;
  /** Where the local state was read from, for errors; null when it was not read from anywhere. */
  readonly localFrom: string | null;
  /** Its keyed state: a full snapshot (or copy), then each delta since, oldest first. */
  readonly keyed: readonly (KeyedLink | Later<KeyedLink>)[];
  readonly watermark: number;
  readonly inputWatermarks: readonly number[];
}

/** A source's part of a stored cut: where its reader resumes, and its watermarks. */
export type StoredSource = Pick<SourceCut, 'node' | 'position' | 'splitWatermarks' | 'watermark'>;

/** A cut as read back from wherever it was stored, matched to the plan nodes of the graph it goes into. */
export interface StoredCut {
  readonly operators: readonly StoredOperator[];
  readonly sources: readonly StoredSource[];
  readonly sinks: readonly SinkCut[];
}

/**
 * Puts a cut back into a freshly built graph, before its operators open: each operator's local
 * state, its keyed state (the full snapshot or copy, then each delta in order) and watermarks,
 * then each source's position and watermarks. Returns the sinks' tokens by plan node id, for
 * `recoverSinks` once the writers are open. Synchronous when nothing has to be read (every part
 * in memory, no copy), as for the test driver; otherwise a promise.
 *
 * @example
 * const tokens = await restoreCut(graph, stored);
 */
export function restoreCut(graph: RunningGraph, cut: StoredCut): Map<number, unknown> | Promise<Map<number, unknown>> {
  return untilDone(putBack(graph, cut));
}

/** Moves readers to logged positions without touching their sources' own watermarks (at-most-once resumption). */
export function seekSources(graph: RunningGraph, sources: readonly Pick<SourceCut, 'node' | 'position' | 'splitWatermarks'>[]): void {
  for (const s of sources) graph.sources.find((t) => t.node.id === s.node)?.restoreState(s.position, s.splitWatermarks);
}

/**
 * Once the writers are open: each publishes what the restored cut's token names and discards what
 * it does not (a fresh start, with no tokens, discards everything a previous run left).
 */
export async function recoverSinks(graph: RunningGraph, tokens: ReadonlyMap<number, unknown> | null): Promise<void> {
  for (const w of graph.writers) await w.writer.recover?.(tokens?.get(w.node.id) ?? null);
}

/** The restore, written once: it yields where it must wait for I/O (see `untilDone`). */
function* putBack(graph: RunningGraph, cut: StoredCut): Generator<Promise<unknown>, Map<number, unknown>, unknown> {
  for (const part of cut.operators) {
    const node = graph.nodes[part.node];
    if (part.local !== undefined && node.local !== null) {
      const local = part.local instanceof Later ? yield part.local.load() : part.local;
      try {
        node.local.restore(local);
      } catch (e) {
        const from = part.localFrom === null ? '' : ` from ${part.localFrom}`;
        throw new Error(`cannot restore ${part.label}${from}: ${(e as Error).message}`, { cause: e });
      }
    }
    const backend = node.backend;
    if (backend !== null) {
      for (const stored of part.keyed) {
        const link = stored instanceof Later ? ((yield stored.load()) as KeyedLink) : stored;
        if (link.kind === 'full') backend.restore(link.state);
        else if (link.kind === 'delta') backend.applyChanges(link.changes);
        else if (backend.restoreCopy !== undefined) yield backend.restoreCopy(link.dir);
        else backend.restore(yield link.asSnapshot());
      }
    }
    node.restoreWatermarks(part.watermark, part.inputWatermarks);
  }
  for (const s of cut.sources) {
    const task = graph.sources.find((t) => t.node.id === s.node);
    if (task === undefined) continue;
    task.restoreState(s.position, s.splitWatermarks);
    task.node.restoreWatermarks(s.watermark, []);
  }
  return new Map(cut.sinks.map((s) => [s.node, s.token]));
}

/**
 * Runs a generator that yields the promises it must wait for: synchronously to its end when it
 * yields none, else on from the first, with each promise's result (or error) sent back in.
 */
function untilDone<R>(gen: Generator<Promise<unknown>, R, unknown>): R | Promise<R> {
  const first = gen.next();
  if (first.done === true) return first.value;
  return (async (): Promise<R> => {
    let step: IteratorResult<Promise<unknown>, R> = first;
    while (step.done !== true) {
      let value: unknown;
      try {
        value = await step.value;
      } catch (e) {
        step = gen.throw(e);
        continue;
      }
      step = gen.next(value);
    }
    return step.value;
  })();
}
