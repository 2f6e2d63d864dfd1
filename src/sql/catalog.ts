import type { UserFunction } from './bind-expression.ts';
import type { Rel } from './rel.ts';
import { SqlError, type SqlPosition } from './sql-error.ts';
import type { TableDefinition } from './table-definition.ts';

/** What a name in FROM can be: a table of a connector, or a view (a bound query, or a DataStream). */
export type CatalogEntry =
  | { readonly kind: 'table'; readonly table: TableDefinition }
  | { readonly kind: 'view'; readonly name: string; readonly rel: Rel };

/**
 * The tables, views and functions of one table environment. Names are case-sensitive, as in
 * Flink; function names are not.
 */
export class Catalog {
  private readonly entries = new Map<string, CatalogEntry>();
  readonly functions = new Map<string, UserFunction>();

  add(name: string, entry: CatalogEntry, pos: SqlPosition, ifNotExists = false): void {
    if (this.entries.has(name)) {
      if (ifNotExists) return;
      throw new SqlError(`a table or view named '${name}' already exists`, pos, 'drop it first (DROP TABLE / DROP VIEW), or choose another name');
    }
    this.entries.set(name, entry);
  }

  drop(name: string, pos: SqlPosition, ifExists: boolean): void {
    if (!this.entries.delete(name) && !ifExists) throw new SqlError(`no table or view named '${name}'`, pos);
  }

  lookup(name: string, pos: SqlPosition): CatalogEntry {
    const entry = this.entries.get(name);
    if (entry !== undefined) return entry;
    const near = [...this.entries.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
    throw new SqlError(`no table or view named '${name}'${this.entries.size > 0 ? `; there are ${[...this.entries.keys()].join(', ')}` : ''}`, pos,
      near !== undefined ? `did you mean \`${near}\`? (names are case-sensitive)` : 'create it with CREATE TABLE, CREATE VIEW or tEnv.createTemporaryView');
  }
}
