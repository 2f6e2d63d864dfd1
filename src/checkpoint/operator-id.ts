import type { PlanNode } from '../plan/node.ts';

/**
 * How an operator is found again in a checkpoint or savepoint: by its uid when it has one (stable
 * across code changes), else by its name (stable as long as the job graph does not change).
 *
 * @example
 * stateId(node); // 'count-per-page' (uid) or 'clicks/key-by/window' (generated name)
 */
export function stateId(n: PlanNode): string {
  return n.uid ?? n.name;
}
