import type { Collector } from '../functions/collector.ts';
import type { BoundExpr } from './bound-expr.ts';
import { CodeGen, key } from './code-gen.ts';
import type { Projection } from './rel.ts';

/** An object literal of the projections over record `r`. */
export function objectCode(g: CodeGen, projections: readonly Projection[]): string {
  return `{ ${projections.map((p) => `${key(p.name)}: ${g.expr(p.expr)}`).join(', ')} }`;
}

/**
 * A compiled projection: one function that builds the output row as an object literal, so every
 * row of a query has the same shape (one hidden class for V8).
 *
 * @example
 * const project = compileProjection([{ name: 'auction', expr }]); project(bid); // { auction: 1001 }
 */
export function compileProjection(projections: readonly Projection[]): (r: unknown) => unknown {
  const g = new CodeGen();
  const body = `return ${objectCode(g, projections)};`;
  return g.build('r', body);
}

/** A compiled condition: true only where SQL's condition is TRUE (not FALSE, not NULL). */
export function compilePredicate(condition: BoundExpr): (r: unknown) => boolean {
  const g = new CodeGen();
  const body = `return ${g.expr(condition)} === true;`;
  return g.build('r', body);
}

/** Filter and projection in one pass: emits the projected row where the condition is TRUE. */
export function compileCalc(condition: BoundExpr, projections: readonly Projection[]): (r: unknown, out: Collector<unknown>) => void {
  const g = new CodeGen();
  const cond = g.expr(condition);
  const row = objectCode(g, projections);
  return g.build('r, out', `if (${cond} === true) out.collect(${row});`);
}

/** A single expression as a function of the record (a timestamp assigner, a key). */
export function compileValue(expr: BoundExpr): (r: unknown) => unknown {
  const g = new CodeGen();
  const body = `return ${g.expr(expr)};`;
  return g.build('r', body);
}
