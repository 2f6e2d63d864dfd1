import type { KeySelector } from '../functions/key.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { JoinFn, JoinType } from '../functions/join-type.ts';

/** The two keyed inputs of a join and its type: what every join builder carries (frozen). */
export interface JoinSides {
  readonly graph: GraphBuilder;
  readonly left: number;
  readonly right: number;
  readonly leftKey: KeySelector;
  readonly rightKey: KeySelector;
  readonly joinType: JoinType;
}

/**
 * Checks that the right input of a join is a keyed stream of the same job and takes its key.
 *
 * @example
 * joinSides(graph, this.id, this.key, other); // { graph, left: 2, right: 5, leftKey, rightKey, joinType: 'inner' }
 */
export function joinSides(graph: GraphBuilder, left: number, leftKey: KeySelector, other: { readonly id: number }): JoinSides {
  const otherGraph = (other as unknown as { graph?: unknown }).graph;
  const node = graph.get(other.id);
  if (otherGraph !== graph || node === undefined || node.kind !== 'key-by') {
    throw new Error('join: the other input must be a keyed stream (stream.keyBy(...)) of the same StreamEnvironment');
  }
  return Object.freeze({ graph, left, right: other.id, leftKey, rightKey: node.key, joinType: 'inner' as JoinType });
}

/**
 * Adds a join node with the sides' inputs and keys.
 *
 * @example
 * addJoin(sides, { kind: 'regular-join', ttlMs: null }, fn);
 */
export function addJoin(
  sides: JoinSides,
  node: { kind: 'window-join'; assigner: WindowAssigner<unknown>; leftLateTag: OutputTag<unknown> | null; rightLateTag: OutputTag<unknown> | null } | { kind: 'regular-join'; ttlMs: number | null } |
    { kind: 'interval-join'; lower: number; upper: number; leftLateTag: OutputTag<unknown> | null; rightLateTag: OutputTag<unknown> | null },
  fn: JoinFn,
): number {
  return sides.graph.add({
    ...node, inputs: [sides.left, sides.right], leftKey: sides.leftKey, rightKey: sides.rightKey, joinType: sides.joinType, fn,
  });
}

/**
 * Wraps a one-to-one join function as the flat function join nodes carry.
 *
 * @example
 * applyFn((order, payment) => ({ order, payment }));
 */
export function applyFn(fn: { apply(l: unknown, r: unknown): unknown }['apply']): JoinFn {
  return (l, r, _ctx, out) => out.collect(fn(l, r));
}

/**
 * Wraps a flat join function (one to any number of outputs).
 *
 * @example
 * flatFn((order, payment, out) => { if (payment !== null) out.collect(order.id); });
 */
export function flatFn(fn: { apply(l: unknown, r: unknown, out: { collect(value: never): void }): void }['apply']): JoinFn {
  return (l, r, _ctx, out) => fn(l, r, out);
}
