import { planNode, type PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';

type NewNode = PlanNode extends infer N ? (N extends PlanNode ? Omit<N, 'id' | 'name' | 'uid'> & { name?: string } : never) : never;

/**
 * Records what the user's builder calls ask for, as frozen plan nodes. The only mutable thing in
 * the api layer: `name()`/`uid()` swap the newest node for a renamed copy.
 */
export class GraphBuilder {
  private nodes: PlanNode[] = [];

  add(node: NewNode): number {
    const id = this.nodes.length;
    const name = node.name ?? `${node.kind}#${id}`;
    this.nodes.push(planNode({ ...node, id, name, uid: null } as PlanNode));
    return id;
  }

  get(id: number): PlanNode {
    return this.nodes[id];
  }

  /** Renames a node, or sets its uid; only while nothing reads from it yet. */
  relabel(id: number, change: { name?: string; uid?: string }): void {
    const n = this.nodes[id];
    if (this.nodes.some((m) => m.inputs.includes(id))) {
      throw new Error(`name()/uid() must be called right after the operator they label ('${n.name}' already has consumers)`);
    }
    this.nodes[id] = planNode({ ...n, name: change.name ?? n.name, uid: change.uid ?? n.uid });
  }

  plan(): Plan {
    return Object.freeze({ nodes: Object.freeze([...this.nodes]) });
  }
}
