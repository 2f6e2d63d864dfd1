import type { CreateTable } from './ast.ts';
import { bindExpression, intervalMs, type UserFunction } from './bind-expression.ts';
import type { BoundExpr } from './bound-expr.ts';
import { Scope } from './scope.ts';
import { SqlError, unsupported, type SqlPosition } from './sql-error.ts';
import { formatType, typeFromSpec, type SqlType } from './sql-type.ts';
import type { TableConnector } from './table-connector.ts';

/** A column of a table: a physical one read from the record, or a computed one. */
export interface TableColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly computed: boolean;
  /** How to read it from the connector's record. */
  readonly expr: BoundExpr;
}

/** A table made by CREATE TABLE: its columns, event time, key and connector. */
export interface TableDefinition {
  readonly name: string;
  readonly columns: readonly TableColumn[];
  /** WATERMARK FOR column AS column - INTERVAL ...: the time column and how far the watermark trails it. */
  readonly rowtime: { readonly column: string; readonly delayMs: number; readonly expr: BoundExpr } | null;
  readonly primaryKey: readonly string[] | null;
  readonly connector: TableConnector;
  readonly options: ReadonlyMap<string, string>;
  readonly pos: SqlPosition;
}

/**
 * Binds CREATE TABLE: types of the physical columns, computed columns over them, the watermark
 * (only `col` and `col - INTERVAL ...`, which Eddy's bounded-out-of-orderness strategy runs), the
 * primary key, and the connector with its options.
 *
 * @example
 * defineTable(parsedCreateTable, connectors, new Map());
 */
export function defineTable(ast: CreateTable, connectors: ReadonlyMap<string, TableConnector>, functions: ReadonlyMap<string, UserFunction>): TableDefinition {
  const name = ast.name.join('.');
  if (ast.like !== null) throw unsupported('CREATE TABLE ... LIKE', ast.like.pos, 'write the columns out');
  if (ast.partitionedBy.length > 0) throw unsupported('PARTITIONED BY', ast.pos, 'leave it out: Eddy\'s file sinks do not partition by column');
  const options = new Map<string, string>();
  for (const o of ast.options) {
    if (options.has(o.key)) throw new SqlError(`option '${o.key}' is given twice`, o.pos);
    options.set(o.key, o.value);
  }
  const connectorName = options.get('connector');
  if (connectorName === undefined) {
    throw new SqlError(`table ${name} has no 'connector' option`, ast.pos, `add WITH ('connector' = '...'), one of ${[...connectors.keys()].join(', ')}`);
  }
  const connector = connectors.get(connectorName);
  const optionPos = ast.options.find((o) => o.key === 'connector')?.pos ?? ast.pos;
  if (connector === undefined) throw unsupported(`the connector '${connectorName}'`, optionPos, `use one of ${[...connectors.keys()].join(', ')}`);
  for (const o of ast.options) {
    if (o.key !== 'connector' && !connector.options.includes(o.key) && connector.acceptsOption?.(o.key) !== true) {
      throw new SqlError(`the ${connectorName} connector has no option '${o.key}'`, o.pos, connector.options.length > 0 ? `its options are ${connector.options.join(', ')}` : 'it takes no options');
    }
  }
  for (const required of connector.required ?? []) {
    if (!options.has(required)) throw new SqlError(`the ${connectorName} connector needs the option '${required}'`, optionPos);
  }

  const columns: TableColumn[] = [];
  const seen = new Set<string>();
  for (const c of ast.columns) {
    if (seen.has(c.name)) throw new SqlError(`column '${c.name}' is declared twice`, c.pos);
    seen.add(c.name);
    if (c.kind === 'metadata') throw unsupported('metadata columns', c.pos, 'declare the value as a physical column');
    if (c.kind === 'physical') {
      const type = typeFromSpec(c.type);
      columns.push({ name: c.name, type, computed: false, expr: { kind: 'column', prop: connector.prop?.(c.name) ?? c.name, type } });
    }
  }
  const physical = new Scope(columns.map((c) => ({ qualifier: null, name: c.name, expr: c.expr })));
  for (const c of ast.columns) {
    if (c.kind !== 'computed') continue;
    const expr = bindExpression(c.expr, { scope: physical, functions, aggregateError: 'a computed column is computed per row' });
    columns.push({ name: c.name, type: expr.type, computed: true, expr });
  }
  // Columns keep the order they were declared in.
  const ordered = ast.columns.filter((c) => c.kind !== 'metadata').map((c) => columns.find((x) => x.name === c.name) as TableColumn);

  let rowtime: TableDefinition['rowtime'] = null;
  if (ast.watermark !== null) {
    const w = ast.watermark;
    const i = ordered.findIndex((c) => c.name === w.column);
    if (i === -1) throw new SqlError(`WATERMARK FOR ${w.column}: no column '${w.column}'`, w.pos);
    const col = ordered[i];
    if (col.type.name !== 'TIMESTAMP' && col.type.name !== 'TIMESTAMP_LTZ') {
      throw new SqlError(`WATERMARK FOR ${w.column}: the column is ${formatType(col.type)}, not a TIMESTAMP(3) or TIMESTAMP_LTZ(3)`, w.pos);
    }
    const e = w.expr;
    const isColumn = (x: typeof e): boolean => x.kind === 'ident' && x.parts.length === 1 && x.parts[0] === w.column;
    let delayMs: number;
    if (isColumn(e)) delayMs = 0;
    else if (e.kind === 'binary' && e.op === '-' && isColumn(e.left) && e.right.kind === 'interval') delayMs = intervalMs(e.right);
    else {
      throw unsupported('this watermark expression', e.pos, `write WATERMARK FOR ${w.column} AS ${w.column} - INTERVAL 'n' SECOND (or AS ${w.column} for ascending times)`);
    }
    if (delayMs < 0) throw new SqlError('the watermark must not run ahead of the time column', e.pos, `subtract the interval: ${w.column} - INTERVAL ...`);
    const type = { ...col.type, rowtime: true };
    const expr = col.expr.kind === 'column' ? { ...col.expr, type } : col.expr;
    ordered[i] = { ...col, type, expr: { ...expr, type } as BoundExpr };
    rowtime = { column: col.name, delayMs, expr: col.expr };
  }

  let primaryKey: string[] | null = null;
  if (ast.primaryKey !== null) {
    const pk = ast.primaryKey;
    if (pk.enforced) throw new SqlError('a PRIMARY KEY must be declared NOT ENFORCED', pk.pos, 'Eddy does not check keys; write PRIMARY KEY (...) NOT ENFORCED');
    for (const k of pk.columns) if (!ordered.some((c) => c.name === k)) throw new SqlError(`PRIMARY KEY: no column '${k}'`, pk.pos);
    primaryKey = [...pk.columns];
  }
  const table: TableDefinition = { name, columns: ordered, rowtime, primaryKey, connector, options, pos: ast.pos };
  connector.check?.(table);
  return table;
}
