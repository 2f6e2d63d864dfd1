import type { BoundExpr } from './bound-expr.ts';
import type { Rel } from './rel.ts';
import { describeWindow } from './window-spec.ts';

const INFIX = new Set(['AND', 'OR', '=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||']);

/**
 * A bound expression as text, for explain and operator names: columns by name, calls in SQL's
 * spelling.
 *
 * @example
 * formatExpr(where); // '(MOD(auction, 123) = 0)'
 */
export function formatExpr(e: BoundExpr): string {
  switch (e.kind) {
    case 'column': return e.prop;
    case 'field': return `${formatExpr(e.operand)}.${e.name}`;
    case 'literal': return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value.replaceAll("'", "''")}'` : String(e.value).toUpperCase();
    case 'cast': return `${e.try ? 'TRY_CAST' : 'CAST'}(${formatExpr(e.operand)} AS ${e.type.name})`;
    case 'udf': return `${e.name}(${e.args.map(formatExpr).join(', ')})`;
    case 'case': return `CASE ${e.whens.map((w) => `WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`).join(' ')} ELSE ${formatExpr(e.otherwise)} END`;
    case 'call': {
      if (INFIX.has(e.fn) && e.args.length === 2) return `(${formatExpr(e.args[0])} ${e.fn} ${formatExpr(e.args[1])})`;
      if (e.fn.startsWith('IS ')) return `(${formatExpr(e.args[0])} ${e.fn})`;
      if (e.fn === 'NEG') return `-${formatExpr(e.args[0])}`;
      if (e.fn === 'IN SET') return `(${formatExpr(e.args[0])} IN ${String((e.args[1] as BoundExpr & { kind: 'literal' }).value)})`;
      if (e.fn === 'LIKE') return `(${formatExpr(e.args[0])} LIKE /${String((e.args[1] as BoundExpr & { kind: 'literal' }).value)}/)`;
      return `${e.fn}(${e.args.map(formatExpr).join(', ')})`;
    }
  }
}

/**
 * The logical plan as an indented tree, in the style of Flink's explain.
 *
 * @example
 * explainRel(rel); // 'Calc(select=[auction, price], where=[...])\n+- TableSourceScan(table=[datagen], ...)'
 */
export function explainRel(rel: Rel, indent = ''): string {
  const child = (r: Rel): string => `\n${indent}+- ${explainRel(r, `${indent}   `)}`;
  switch (rel.kind) {
    case 'scan': return `TableSourceScan(table=[${rel.table.name}], fields=[${rel.fields.map((f) => f.name).join(', ')}])`;
    case 'stream': return `DataStreamScan(view=[${rel.name}], fields=[${rel.fields.map((f) => f.name).join(', ')}])`;
    case 'union': return `Union(all=[true])${rel.inputs.map(child).join('')}`;
    case 'calc': {
      const parts: string[] = [];
      parts.push(rel.projections === null ? `select=[*]` : `select=[${rel.projections.map((p) => (p.expr.kind === 'column' && p.expr.prop === p.name ? p.name : `${formatExpr(p.expr)} AS ${p.name}`)).join(', ')}]`);
      if (rel.condition !== null) parts.push(`where=[${formatExpr(rel.condition)}]`);
      return `Calc(${parts.join(', ')})${child(rel.input)}`;
    }
    case 'window-aggregate': {
      const keys = rel.keys.map((k, i) => `${formatExpr(k)} AS k${i}`);
      const aggs = rel.aggregates.map((a, i) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.arg === null ? '*' : formatExpr(a.arg)})${a.filter === null ? '' : ` FILTER (WHERE ${formatExpr(a.filter)})`} AS a${i}`);
      return `WindowAggregate(${keys.length > 0 ? `groupBy=[${keys.join(', ')}], ` : ''}window=[${describeWindow(rel.window)}], select=[${aggs.join(', ')}])${child(rel.input)}`;
    }
  }
}
