import type { AggregateFunction } from '../functions/aggregate-function.ts';
import type { ResolvedAsyncMapOptions } from '../functions/async-map-options.ts';
import type { Collector } from '../functions/collector.ts';
import type { JoinFn, JoinType } from '../functions/join-type.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { KeyedProcessFunction, ProcessFunction } from '../functions/process-function.ts';
import type { KeyedBroadcastProcessFunction } from '../functions/broadcast-process-function.ts';
import type { PatternProcessFunction } from '../functions/pattern-function.ts';
import type { Sink } from '../connectors/sink.ts';
import type { Source } from '../connectors/source.ts';
import type { Key, KeySelector } from '../functions/key.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Evictor } from '../window/evictor.ts';
import type { TimeWindow } from '../window/time-window.ts';
import type { Trigger } from '../window/trigger.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import type { CepProgram } from './cep-program.ts';
import type { FunctionFactory } from './function-factory.ts';

/* Plan nodes are frozen data: what the user asked for, with the user's functions as values.
 * The runtime turns each node into a fresh operator; nothing here knows about the runtime.
 * Function objects with a lifecycle (open keeps state handles in their fields) are held as
 * factories, so that each task gets an instance of its own (see instancePerTask). */

/* User functions are stored with their record types erased (the builder tracks them; an edge
 * carries `unknown`). Each is written as a method type, whose parameters compare bivariantly,
 * so that the builder's typed function fits and the runtime calls it with `unknown`. */
type MapFn = { map(value: unknown): unknown }['map'];
type FilterFn = { filter(value: unknown): boolean }['filter'];
type FlatMapFn = { flatMap(value: unknown, out: Collector<unknown>): void }['flatMap'];
type AsyncMapFn = { map(value: unknown): Promise<unknown> }['map'];
type RollingEmit = { emit(key: Key, result: unknown, value: unknown): unknown }['emit'];
type WindowEmit = { emit(key: Key, window: TimeWindow, result: unknown): unknown }['emit'];
type WindowProcess = { process(key: Key, window: TimeWindow, elements: readonly unknown[], out: Collector<unknown>): void }['process'];
type RowOf = { row(change: unknown): unknown }['row'];
type TableJoin = { join(value: unknown, row: unknown): unknown }['join'];

interface Common {
  readonly id: number;
  readonly name: string;
  readonly uid: string | null;
  readonly inputs: readonly number[];
}

export interface SourceNode extends Common { readonly kind: 'source'; readonly source: Source<unknown>; readonly strategy: WatermarkStrategy<unknown> }
export interface MapNode extends Common { readonly kind: 'map'; readonly fn: MapFn }
export interface FilterNode extends Common { readonly kind: 'filter'; readonly fn: FilterFn }
export interface FlatMapNode extends Common { readonly kind: 'flat-map'; readonly fn: FlatMapFn }
export interface ProcessNode extends Common { readonly kind: 'process'; readonly fn: FunctionFactory<ProcessFunction<unknown, unknown>> }
export interface TimestampsNode extends Common { readonly kind: 'timestamps'; readonly strategy: WatermarkStrategy<unknown> }
export interface UnionNode extends Common { readonly kind: 'union' }
export interface SideOutputNode extends Common { readonly kind: 'side-output'; readonly tag: OutputTag<unknown> }
export interface KeyByNode extends Common { readonly kind: 'key-by'; readonly key: KeySelector }
export interface KeyedProcessNode extends Common {
  readonly kind: 'keyed-process'; readonly key: KeySelector; readonly fn: FunctionFactory<KeyedProcessFunction<Key, unknown, unknown>>;
}
export interface RollingNode extends Common {
  readonly kind: 'rolling';
  readonly key: KeySelector;
  readonly agg: FunctionFactory<AggregateFunction<unknown, unknown, unknown>>;
  readonly emit: RollingEmit;
}

/** How a window turns its contents into output. */
export type WindowFunctionSpec =
  | { readonly type: 'aggregate'; readonly agg: FunctionFactory<AggregateFunction<unknown, unknown, unknown>>; readonly emit: WindowEmit }
  | { readonly type: 'process'; readonly fn: WindowProcess };

export interface WindowNode extends Common {
  readonly kind: 'window';
  readonly key: KeySelector;
  readonly assigner: WindowAssigner<unknown>;
  readonly trigger: Trigger<unknown> | null;
  readonly evictor: Evictor | null;
  readonly allowedLateness: number;
  readonly lateTag: OutputTag<unknown> | null;
  readonly fn: WindowFunctionSpec;
}
export interface SinkNode extends Common { readonly kind: 'sink'; readonly sink: Sink<unknown> }
/** Calls an async function per record, at most `options.capacity` records held (see AsyncMapOperator). */
export interface AsyncMapNode extends Common { readonly kind: 'async-map'; readonly fn: AsyncMapFn; readonly options: ResolvedAsyncMapOptions }

/** What every two-input join node has: input 0 is the left side, input 1 the right. */
interface JoinCommon extends Common {
  readonly leftKey: KeySelector;
  readonly rightKey: KeySelector;
  readonly joinType: JoinType;
  readonly fn: JoinFn;
}
export interface WindowJoinNode extends JoinCommon {
  readonly kind: 'window-join';
  readonly assigner: WindowAssigner<unknown>;
  readonly leftLateTag: OutputTag<unknown> | null;
  readonly rightLateTag: OutputTag<unknown> | null;
}
export interface IntervalJoinNode extends JoinCommon {
  readonly kind: 'interval-join';
  /** Inclusive bounds on rightTs - leftTs (exclusive bounds are narrowed by 1 ms by the builder). */
  readonly lower: number;
  readonly upper: number;
  readonly leftLateTag: OutputTag<unknown> | null;
  readonly rightLateTag: OutputTag<unknown> | null;
}
export interface RegularJoinNode extends JoinCommon { readonly kind: 'regular-join'; readonly ttlMs: number | null }
/** The stream-stream joins. */
export type StreamJoinNode = WindowJoinNode | IntervalJoinNode | RegularJoinNode;
/** Joins a stream (input 0) with a table's changelog (input 1): temporal (event time) or lookup (latest). */
export interface TableJoinNode extends Common {
  readonly kind: 'temporal-join' | 'lookup-join';
  readonly key: KeySelector;
  readonly tableKey: KeySelector;
  /** The row a changelog record carries; null or undefined deletes the key. */
  readonly tableValue: RowOf;
  readonly join: TableJoin;
  readonly mode: 'inner' | 'left';
  readonly lateTag: OutputTag<unknown> | null;
}
/** A keyed stream (input 0) with a broadcast stream (input 1) and a KeyedBroadcastProcessFunction. */
export interface BroadcastProcessNode extends Common {
  readonly kind: 'broadcast-process'; readonly key: KeySelector; readonly fn: FunctionFactory<KeyedBroadcastProcessFunction<Key, unknown, unknown, unknown>>;
}

/**
 * Pattern detection: a compiled pattern run per key (input 0, hashed by `key`; a stream that was
 * not keyed gets the constant key and one operator, as in Flink). Event time buffers each key's
 * events until the watermark passes them; processing time matches them as they come.
 */
export interface CepNode extends Common {
  readonly kind: 'cep';
  readonly key: KeySelector;
  readonly program: CepProgram;
  readonly fn: FunctionFactory<PatternProcessFunction<unknown, unknown>>;
  readonly timeDomain: 'event-time' | 'processing-time';
  readonly lateTag: OutputTag<unknown> | null;
}

/** A node of the job graph, discriminated by `kind`. */
export type PlanNode =
  | SourceNode | MapNode | FilterNode | FlatMapNode | ProcessNode | TimestampsNode | UnionNode
  | SideOutputNode | KeyByNode | KeyedProcessNode | RollingNode | WindowNode | SinkNode
  | TableJoinNode | BroadcastProcessNode | AsyncMapNode | StreamJoinNode | CepNode;

/** Node kinds that read the key of each record (their input edge is a hash exchange). */
export function isKeyed(n: PlanNode): n is KeyedProcessNode | RollingNode | WindowNode | TableJoinNode | BroadcastProcessNode | StreamJoinNode | CepNode {
  return n.kind === 'keyed-process' || n.kind === 'rolling' || n.kind === 'window' ||
    n.kind === 'temporal-join' || n.kind === 'lookup-join' || n.kind === 'broadcast-process' ||
    n.kind === 'window-join' || n.kind === 'interval-join' || n.kind === 'regular-join' || n.kind === 'cep';
}

/**
 * Creates a frozen plan node.
 *
 * @example
 * planNode({ kind: 'union', id: 3, name: 'union', uid: null, inputs: [1, 2] });
 */
export function planNode<N extends PlanNode>(node: N): N {
  return Object.freeze({ ...node, inputs: Object.freeze([...node.inputs]) }) as unknown as N;
}
