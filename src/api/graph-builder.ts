import { planNode, type PlanNode } from '../plan/node.ts';
import type { Plan } from '../plan/plan.ts';

type NewNode = PlanNode extends infer N ? (N extends PlanNode ? Omit<N, 'id' | 'name' | 'uid'> & { name?: string; label?: string } : never) : never;

/**
 * Records what the user's builder calls ask for, as frozen plan nodes. The only mutable thing in
 * the api layer: `name()`/`uid()` swap the newest node for a renamed copy.
 *
 * An operator the user does not name gets a name from the graph's shape: its first input's name,
 * a slash, and its kind (`clicks/filter/key-by/window`), so that the name, which labels its
 * metrics and finds its state in a checkpoint when it has no uid, stays the same from run to run
 * and when operators are added on other branches. Only identical siblings get a `#2`, `#3`, in the
 * order they were added.
 */
export class GraphBuilder {
  private nodes: PlanNode[] = [];

  add(node: NewNode): number {
    const id = this.nodes.length;
    const { label, ...rest } = node;
    const name = node.name ?? this.generatedName(label ?? node.kind, node.inputs);
    this.nodes.push(planNode({ ...rest, id, name, uid: null } as PlanNode));
    return id;
  }

  /**
   * The name an operator gets when the user gives none: `<first input's name>/<label>` (the label
   * alone for a source), with `#2`, `#3`... when an operator already has that name.
   *
   * @example
   * graph.generatedName('map', [0]); // 'clicks/map' when node 0 is the source 'clicks'
   */
  generatedName(label: string, inputs: readonly number[]): string {
    const base = inputs.length === 0 ? label : `${this.nodes[inputs[0]].name}/${label}`;
    const taken = new Set(this.nodes.map((n) => n.name));
    if (!taken.has(base)) return base;
    let k = 2;
    while (taken.has(`${base}#${k}`)) k++;
    return `${base}#${k}`;
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
