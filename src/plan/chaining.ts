import { isKeyed, type PlanNode } from './node.ts';
import { consumersOf, type Plan } from './plan.ts';

/**
 * Groups nodes into chains: runs of nodes joined by a forward edge (one producer, one consumer,
 * no key change). Records inside a chain are handed from operator to operator in the same loop;
 * a chain boundary is where data would be exchanged between instances when the job is scaled out
 * (a keyBy is a hash exchange), or where streams fan in or out.
 *
 * @example
 * chains(env.plan()); // [[0, 1, 2], [3, 4], [5]]
 */
export function chains(plan: Plan): number[][] {
  const chainOf = new Map<number, number[]>();
  const out: number[][] = [];
  for (const n of plan.nodes) {
    const head = chainableInput(plan, n);
    const chain = head === null ? undefined : chainOf.get(head);
    if (chain !== undefined && chain[chain.length - 1] === head) {
      chain.push(n.id);
      chainOf.set(n.id, chain);
    } else {
      const c = [n.id];
      out.push(c);
      chainOf.set(n.id, c);
    }
  }
  return out;
}

function chainableInput(plan: Plan, n: PlanNode): number | null {
  if (n.inputs.length !== 1 || n.kind === 'side-output') return null;
  const input = n.inputs[0];
  if (consumersOf(plan, input).length !== 1) return null;
  const producer = plan.nodes[input];
  // A keyBy changes how records are partitioned: the keyed operator after it starts a new chain.
  if (producer.kind === 'key-by' || isKeyed(n)) return null;
  return input;
}
