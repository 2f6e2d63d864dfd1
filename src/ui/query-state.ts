import type { Key } from '../functions/key.ts';
import type { RunningGraph } from '../runtime/running-graph.ts';

/**
 * The answer to a queryable-state read: the operator (its uid, or its name when it has none), the
 * key as asked, and the key's value in each of the operator's state tables that has one.
 *
 * @example
 * const r: StateQueryResult = { operator: 'counter', key: 'u1', values: [{ table: 'count', key: 'u1', value: 7 }] };
 */
export interface StateQueryResult {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly { readonly table: string; readonly key: Key; readonly value: unknown }[];
}

/**
 * Reads one key's current state from a keyed operator of a running job, found by uid, then by
 * name. The key arrives as text (a URL), so it is tried as a string and, when it reads as one, as
 * a number, a bigint and a boolean. Call it between step-loop rounds (`RunningGraph.atRoundBoundary`).
 * Throws, naming the keyed operators there are, when the operator is unknown or has no keyed state.
 *
 * @example
 * await graph.atRoundBoundary(() => queryKeyedState(graph, 'counter', 'user-1'));
 */
export function queryKeyedState(runtime: RunningGraph, operator: string, key: string): StateQueryResult {
  const plan = runtime.plan.nodes;
  const keyed = runtime.nodes.filter((n) => n.backend !== null);
  const node = keyed.find((n) => plan[n.id].uid === operator) ?? keyed.find((n) => n.name === operator)
    ?? runtime.nodes.find((n) => plan[n.id].uid === operator || n.name === operator);
  const known = keyed.map((n) => `'${plan[n.id].uid ?? n.name}'`).join(', ') || 'none';
  if (node === undefined) throw new StateQueryError(404, `no operator '${operator}' in job '${runtime.jobName}'; operators with keyed state: ${known}`);
  const backend = node.backend;
  if (backend === null) throw new StateQueryError(400, `operator '${operator}' (${node.kind}) has no keyed state; operators with keyed state: ${known}`);
  const candidates: Key[] = [key];
  const n = Number(key);
  if (key.trim() !== '' && Number.isFinite(n)) candidates.push(n);
  if (/^-?\d+$/.test(key)) candidates.push(BigInt(key));
  if (key === 'true' || key === 'false') candidates.push(key === 'true');
  const values: { table: string; key: Key; value: unknown }[] = [];
  for (const name of backend.tableNames()) {
    if (name.startsWith('__')) continue; // Eddy's own bookkeeping
    const table = backend.table<unknown>(name);
    for (const k of candidates) {
      const value = table.get(k);
      if (value !== undefined) values.push({ table: name, key: k, value });
    }
  }
  return { operator: plan[node.id].uid ?? node.name, key, values };
}

/**
 * A queryable-state request that cannot be answered, with the HTTP status that says why.
 *
 * @example
 * throw new StateQueryError(404, "no operator 'x'");
 */
export class StateQueryError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'StateQueryError';
  }
}
