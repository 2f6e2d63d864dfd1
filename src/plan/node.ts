import type { AggregateFunction } from '../api/aggregate-function.ts';
import type { Collector } from '../api/collector.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { KeyedProcessFunction, ProcessFunction } from '../api/process-function.ts';
import type { Sink } from '../connectors/sink.ts';
import type { Source } from '../connectors/source.ts';
import type { Key } from '../state/key.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Evictor } from '../window/evictor.ts';
import type { TimeWindow } from '../window/time-window.ts';
import type { Trigger } from '../window/trigger.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';

/* Plan nodes are frozen data: what the user asked for, with the user's functions as values.
 * The runtime turns each node into a fresh operator; nothing here knows about the runtime. */

type Fn = (...args: any[]) => any;

interface Common {
  readonly id: number;
  readonly name: string;
  readonly uid: string | null;
  readonly inputs: readonly number[];
}

export interface SourceNode extends Common { readonly kind: 'source'; readonly source: Source<unknown>; readonly strategy: WatermarkStrategy<unknown> }
export interface MapNode extends Common { readonly kind: 'map'; readonly fn: Fn }
export interface FilterNode extends Common { readonly kind: 'filter'; readonly fn: Fn }
export interface FlatMapNode extends Common { readonly kind: 'flat-map'; readonly fn: Fn }
export interface ProcessNode extends Common { readonly kind: 'process'; readonly fn: ProcessFunction<unknown, unknown> }
export interface TimestampsNode extends Common { readonly kind: 'timestamps'; readonly strategy: WatermarkStrategy<unknown> }
export interface UnionNode extends Common { readonly kind: 'union' }
export interface SideOutputNode extends Common { readonly kind: 'side-output'; readonly tag: OutputTag<unknown> }
export interface KeyByNode extends Common { readonly kind: 'key-by'; readonly key: (v: any) => Key }
export interface KeyedProcessNode extends Common {
  readonly kind: 'keyed-process'; readonly key: (v: any) => Key; readonly fn: KeyedProcessFunction<Key, unknown, unknown>;
}
export interface RollingNode extends Common {
  readonly kind: 'rolling';
  readonly key: (v: any) => Key;
  readonly agg: AggregateFunction<unknown, unknown, unknown>;
  readonly emit: (key: Key, result: any, value: any) => unknown;
}

/** How a window turns its contents into output. */
export type WindowFunctionSpec =
  | { readonly type: 'aggregate'; readonly agg: AggregateFunction<any, any, any>; readonly emit: (key: Key, window: TimeWindow, result: any) => unknown }
  | { readonly type: 'process'; readonly fn: (key: Key, window: TimeWindow, elements: readonly any[], out: Collector<any>) => void };

export interface WindowNode extends Common {
  readonly kind: 'window';
  readonly key: (v: any) => Key;
  readonly assigner: WindowAssigner<unknown>;
  readonly trigger: Trigger<unknown> | null;
  readonly evictor: Evictor | null;
  readonly allowedLateness: number;
  readonly lateTag: OutputTag<unknown> | null;
  readonly fn: WindowFunctionSpec;
}
export interface SinkNode extends Common { readonly kind: 'sink'; readonly sink: Sink<unknown> }

/** A node of the job graph, discriminated by `kind`. */
export type PlanNode =
  | SourceNode | MapNode | FilterNode | FlatMapNode | ProcessNode | TimestampsNode | UnionNode
  | SideOutputNode | KeyByNode | KeyedProcessNode | RollingNode | WindowNode | SinkNode;

/** Node kinds that read the key of each record (their input edge is a hash exchange). */
export function isKeyed(n: PlanNode): n is KeyedProcessNode | RollingNode | WindowNode {
  return n.kind === 'keyed-process' || n.kind === 'rolling' || n.kind === 'window';
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
