import type { BoundExpr } from './bound-expr.ts';
import { SqlError, type SqlPosition } from './sql-error.ts';
import { formatType } from './sql-type.ts';

/** A name a query can use: a column of a table in FROM (qualified by its alias), or a window column. */
export interface ScopeColumn {
  readonly qualifier: string | null;
  readonly name: string;
  readonly expr: BoundExpr;
}

/**
 * The names visible in a query and what they read. Names are case-sensitive, as in Flink; a name
 * that matches only in another case is named in the error.
 */
export class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  /** The expression for `a`, `t.a`, `a.field` or `t.a.field`. */
  resolve(parts: readonly string[], pos: SqlPosition): BoundExpr {
    const qualified = parts.length > 1 ? this.columns.filter((c) => c.qualifier === parts[0] && c.name === parts[1]) : [];
    const plain = this.columns.filter((c) => c.name === parts[0]);
    let base: BoundExpr;
    let rest: readonly string[];
    if (qualified.length > 0) {
      base = qualified[0].expr;
      rest = parts.slice(2);
    } else if (plain.length > 0) {
      const owners = new Set(plain.map((c) => c.qualifier));
      if (plain.length > 1 && owners.size > 1) {
        throw new SqlError(`column '${parts[0]}' is ambiguous: it is in ${[...owners].map((o) => o ?? 'the query').join(' and ')}`, pos, `qualify it, as in ${[...owners][0]}.${parts[0]}`);
      }
      base = plain[0].expr;
      rest = parts.slice(1);
    } else {
      throw this.notFound(parts, pos);
    }
    for (const field of rest) {
      const row = base.type;
      const f = row.name === 'ROW' ? row.fields?.find((x) => x.name === field) : undefined;
      if (f === undefined) {
        const near = row.fields?.find((x) => x.name.toLowerCase() === field.toLowerCase());
        throw new SqlError(`'${parts.join('.')}': ${formatType(row)} has no field '${field}'`, pos, near ? `did you mean \`${near.name}\`? (names are case-sensitive)` : null);
      }
      base = { kind: 'field', operand: base, name: field, type: { ...f.type, nullable: f.type.nullable || row.nullable } };
    }
    return base;
  }

  private notFound(parts: readonly string[], pos: SqlPosition): SqlError {
    const name = parts.length > 1 && this.columns.some((c) => c.qualifier === parts[0]) ? parts[1] : parts[0];
    const near = this.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const known = [...new Set(this.columns.map((c) => c.name))].join(', ');
    return new SqlError(`column '${parts.join('.')}' not found; the columns here are ${known || '(none)'}`, pos,
      near ? `did you mean \`${near.name}\`? (names are case-sensitive: quote them as written)` : null);
  }
}
