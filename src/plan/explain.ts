import { chains } from './chaining.ts';
import type { PlanNode } from './node.ts';
import type { Plan } from './plan.ts';

/**
 * Prints the operator graph: one block per chain, each operator with its id, kind and name,
 * its inputs when they are not the previous line, and how records cross into the next chain.
 *
 * @example
 * console.log(explain(env.plan(), 'clicks-per-minute'));
 */
export function explain(plan: Plan, jobName = 'job'): string {
  const lines = [`Job '${jobName}': ${plan.nodes.length} operators in ${chains(plan).length} chains`];
  for (const [i, chain] of chains(plan).entries()) {
    const head = plan.nodes[chain[0]];
    const from = head.inputs.map((id) => `#${id}`).join(', ');
    const edge = head.inputs.length === 0 ? '' : ` <- ${from} (${edgeKind(plan, head)})`;
    lines.push(`chain ${i + 1}${edge}`);
    for (const id of chain) {
      const n = plan.nodes[id];
      lines.push(`  #${id} ${describe(n)}`);
      if (n.kind === 'cep') for (const w of n.program.warnings) lines.push(`     warning: ${w}`);
    }
  }
  return lines.join('\n');
}

function edgeKind(plan: Plan, n: PlanNode): string {
  if (n.kind === 'side-output') return `side output '${n.tag.id}'`;
  if (n.kind === 'broadcast-process') return 'hash by key, broadcast';
  if (n.kind === 'temporal-join' || n.kind === 'lookup-join') return 'hash by key';
  if (n.inputs.some((id) => plan.nodes[id].kind === 'key-by')) return 'hash by key';
  if (n.inputs.length > 1) return 'union';
  return 'forward, fan-out';
}

function describe(n: PlanNode): string {
  const uid = n.uid ? ` uid=${n.uid}` : '';
  const head = `${n.kind} '${n.name}'${uid}`;
  switch (n.kind) {
    case 'source': {
      const idle = n.strategy.idlenessMs !== null ? `, idle after ${n.strategy.idlenessMs} ms` : '';
      return `${head}: ${n.source.describe()} [${n.strategy.timestampKind} time${idle}]`;
    }
    case 'sink':
      return `${head}: ${n.sink.describe()}`;
    case 'window': {
      const trigger = n.trigger ? `, trigger ${n.trigger.describe()}` : '';
      const evictor = n.evictor ? `, evictor ${n.evictor.describe()}` : '';
      const late = n.allowedLateness > 0 ? `, allowed lateness ${n.allowedLateness} ms` : '';
      const tag = n.lateTag ? `, late data -> '${n.lateTag.id}'` : '';
      return `${head}: ${n.assigner.describe()}${trigger}${evictor}${late}${tag}`;
    }
    case 'async-map': {
      const o = n.options;
      return `${head}: ${o.ordered ? 'ordered' : 'unordered'}, capacity ${o.capacity}, timeout ${o.timeoutMs} ms, ${o.retries} retries, failures -> ${o.onFailure}`;
    }
    case 'side-output':
      return `${head}: tag '${n.tag.id}'`;
    case 'window-join':
      return `${head}: ${n.joinType} join of #${n.inputs[0]} and #${n.inputs[1]} in ${n.assigner.describe()}`;
    case 'interval-join':
      return `${head}: ${n.joinType} join of #${n.inputs[0]} and #${n.inputs[1]}, right ts in left ts + [${n.lower}, ${n.upper}] ms`;
    case 'regular-join':
      return `${head}: ${n.joinType} join of #${n.inputs[0]} and #${n.inputs[1]}, ${n.ttlMs === null ? 'state kept for good' : `state TTL ${n.ttlMs} ms`}`;
    case 'temporal-join':
      return `${head}: ${n.mode} join of #${n.inputs[0]} with the table from #${n.inputs[1]}, row valid at each record's event time${n.lateTag ? `, late data -> '${n.lateTag.id}'` : ''}`;
    case 'lookup-join':
      return `${head}: ${n.mode} join of #${n.inputs[0]} with the latest rows of the table from #${n.inputs[1]}`;
    case 'broadcast-process':
      return `${head}: keyed #${n.inputs[0]} with broadcast state from #${n.inputs[1]}`;
    case 'cep': {
      const p = n.program;
      const skip = p.skip.stage === null ? p.skip.kind : `${p.skip.kind}('${p.skip.stage}')`;
      const late = n.lateTag ? `, late data -> '${n.lateTag.id}'` : '';
      return `${head}: pattern ${p.description} [${n.timeDomain}, ${skip}, ${p.states.length} NFA states${late}]`;
    }
    default:
      return head;
  }
}
