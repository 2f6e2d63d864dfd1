import type { PlanNode } from './node.ts';

/**
 * A job graph: frozen nodes in creation order (which is a topological order, since a node can
 * only be built from nodes that exist).
 *
 * @example
 * const plan = env.plan(); plan.nodes.length;
 */
export interface Plan {
  readonly nodes: readonly PlanNode[];
}

/** The ids of the nodes that read from `id`. */
export function consumersOf(plan: Plan, id: number): PlanNode[] {
  return plan.nodes.filter((n) => n.inputs.includes(id));
}

/** A node by id; throws on an unknown id. */
export function nodeById(plan: Plan, id: number): PlanNode {
  const n = plan.nodes[id];
  if (n === undefined || n.id !== id) throw new Error(`plan has no node ${id}`);
  return n;
}
