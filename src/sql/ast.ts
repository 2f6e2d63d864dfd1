import type { SqlPosition } from './sql-error.ts';

/* The syntax tree of Flink SQL statements, as the parser reads them: names as written, nothing
 * resolved. Every node carries its position, so that the binder's errors can point at it. */

interface At { readonly pos: SqlPosition }

/** A data type as written: BIGINT, DECIMAL(23, 3), TIMESTAMP(3), ROW<a INT, b STRING>, ARRAY<INT> ... */
export interface TypeSpec extends At {
  /** Upper case, multi-word names joined by one space: 'DOUBLE PRECISION', 'TIMESTAMP_LTZ'. */
  readonly name: string;
  readonly params: readonly number[];
  /** Fields of a ROW. */
  readonly fields: readonly { readonly name: string; readonly type: TypeSpec }[];
  /** Element of ARRAY or MULTISET, or key and value of MAP. */
  readonly elements: readonly TypeSpec[];
  readonly notNull: boolean;
  /** TIMESTAMP WITH LOCAL TIME ZONE. */
  readonly localTimeZone: boolean;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';
export type TimeUnit = 'YEAR' | 'QUARTER' | 'MONTH' | 'WEEK' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND';

export interface OrderItem extends At { readonly expr: Expr; readonly descending: boolean; readonly nullsFirst: boolean | null }
export interface FrameBound extends At {
  readonly kind: 'unbounded-preceding' | 'preceding' | 'current-row' | 'following' | 'unbounded-following';
  readonly offset: Expr | null;
}
/** The window of an OVER clause. */
export interface OverSpec extends At {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: { readonly unit: 'ROWS' | 'RANGE'; readonly start: FrameBound; readonly end: FrameBound } | null;
}

/** An expression. */
export type Expr =
  | (At & { readonly kind: 'number'; readonly text: string })
  | (At & { readonly kind: 'string'; readonly value: string })
  | (At & { readonly kind: 'boolean'; readonly value: boolean })
  | (At & { readonly kind: 'null' })
  | (At & { readonly kind: 'interval'; readonly value: string; readonly negative: boolean; readonly unit: TimeUnit; readonly toUnit: TimeUnit | null })
  /** TIMESTAMP '2024-01-01 00:00:00', DATE '...', TIME '...'. */
  | (At & { readonly kind: 'typed-literal'; readonly type: 'TIMESTAMP' | 'DATE' | 'TIME'; readonly value: string })
  /** A name: a column, a table's column (t.c), or a field of a ROW column (c.f), as written. */
  | (At & { readonly kind: 'ident'; readonly parts: readonly string[] })
  /** `*` or `t.*`. */
  | (At & { readonly kind: 'star'; readonly qualifier: readonly string[] })
  | (At & { readonly kind: 'unary'; readonly op: '-' | '+' | 'NOT'; readonly operand: Expr })
  | (At & { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr })
  | (At & { readonly kind: 'is'; readonly operand: Expr; readonly not: boolean; readonly what: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN' })
  | (At & { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly not: boolean })
  | (At & { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[] | null; readonly query: Query | null; readonly not: boolean })
  | (At & { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly escape: Expr | null; readonly not: boolean; readonly similar: boolean })
  | (At & { readonly kind: 'case'; readonly operand: Expr | null; readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]; readonly otherwise: Expr | null })
  | (At & { readonly kind: 'cast'; readonly operand: Expr; readonly type: TypeSpec; readonly try: boolean })
  /**
   * A function call. `name` as written; `star` for COUNT(*); FILTER (WHERE ...) and OVER (...)
   * when given. Calls with keywords inside (EXTRACT(HOUR FROM t), TRIM(BOTH ' ' FROM s)) put the
   * keyword first as a `symbol` argument.
   */
  | (At & {
    readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly distinct: boolean;
    readonly star: boolean; readonly filter: Expr | null; readonly over: OverSpec | null;
  })
  /** A keyword argument of a call: a time unit, BOTH/LEADING/TRAILING. */
  | (At & { readonly kind: 'symbol'; readonly name: string })
  | (At & { readonly kind: 'subquery'; readonly query: Query })
  | (At & { readonly kind: 'exists'; readonly query: Query })
  /** DESCRIPTOR(col, ...), an argument of a window table function. */
  | (At & { readonly kind: 'descriptor'; readonly columns: readonly string[] })
  /** TABLE name, an argument of a window table function. */
  | (At & { readonly kind: 'table-arg'; readonly name: readonly string[] });

export interface SelectItem extends At { readonly expr: Expr; readonly alias: string | null }

/** What FROM reads. */
export type FromItem =
  | (At & { readonly kind: 'table'; readonly name: readonly string[]; readonly alias: string | null; readonly systemTime: Expr | null })
  | (At & { readonly kind: 'derived'; readonly query: Query; readonly alias: string | null; readonly columns: readonly string[] | null })
  /** TABLE(fn(...)), e.g. TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)); LATERAL for a table function of a row. */
  | (At & { readonly kind: 'table-function'; readonly call: Expr & { readonly kind: 'call' }; readonly lateral: boolean; readonly alias: string | null; readonly columns: readonly string[] | null })
  | (At & {
    readonly kind: 'join'; readonly type: 'inner' | 'left' | 'right' | 'full' | 'cross' | 'comma';
    readonly left: FromItem; readonly right: FromItem; readonly on: Expr | null; readonly using: readonly string[] | null;
  });

export interface Select extends At {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
}

/** A query: a SELECT, a set operation, or VALUES, with WITH, ORDER BY and LIMIT around it. */
export type QueryBody =
  | Select
  | (At & { readonly kind: 'set-operation'; readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT'; readonly all: boolean; readonly left: QueryBody; readonly right: QueryBody })
  | (At & { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[] })
  | (At & { readonly kind: 'nested'; readonly query: Query });

export interface Query extends At {
  readonly with: readonly { readonly name: string; readonly columns: readonly string[] | null; readonly query: Query; readonly pos: SqlPosition }[];
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
}

/** A column of CREATE TABLE. */
export type ColumnDefinition =
  | (At & { readonly kind: 'physical'; readonly name: string; readonly type: TypeSpec; readonly comment: string | null })
  | (At & { readonly kind: 'computed'; readonly name: string; readonly expr: Expr; readonly comment: string | null })
  | (At & { readonly kind: 'metadata'; readonly name: string; readonly type: TypeSpec; readonly from: string | null; readonly virtual: boolean });

export interface TableOption extends At { readonly key: string; readonly value: string }

export interface CreateTable extends At {
  readonly kind: 'create-table';
  readonly name: readonly string[];
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDefinition[];
  readonly watermark: (At & { readonly column: string; readonly expr: Expr }) | null;
  readonly primaryKey: (At & { readonly columns: readonly string[]; readonly enforced: boolean }) | null;
  readonly partitionedBy: readonly string[];
  readonly options: readonly TableOption[];
  /** CREATE TABLE ... LIKE other. */
  readonly like: (At & { readonly name: readonly string[] }) | null;
}

/** A statement. */
export type Statement =
  | CreateTable
  | (At & { readonly kind: 'create-view'; readonly name: readonly string[]; readonly temporary: boolean; readonly ifNotExists: boolean; readonly columns: readonly string[] | null; readonly query: Query })
  | (At & { readonly kind: 'create-function'; readonly name: readonly string[]; readonly temporary: boolean; readonly system: boolean; readonly ifNotExists: boolean; readonly className: string; readonly language: string | null })
  | (At & { readonly kind: 'drop'; readonly what: 'TABLE' | 'VIEW' | 'FUNCTION'; readonly name: readonly string[]; readonly temporary: boolean; readonly ifExists: boolean })
  | (At & { readonly kind: 'insert'; readonly table: readonly string[]; readonly columns: readonly string[] | null; readonly overwrite: boolean; readonly query: Query })
  | (At & { readonly kind: 'query'; readonly query: Query })
  | (At & { readonly kind: 'set'; readonly key: string | null; readonly value: string | null })
  | (At & { readonly kind: 'explain'; readonly statement: Statement });
