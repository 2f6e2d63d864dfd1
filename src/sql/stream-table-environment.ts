import type { DataStream } from '../api/data-stream.ts';
import type { StreamEnvironment } from '../api/stream-environment.ts';
import { DEAD_LETTERS, type DeadLetter } from '../functions/dead-letter.ts';
import { explain } from '../plan/explain.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Statement } from './ast.ts';
import type { ScalarUdf } from './bind-expression.ts';
import { bindQuery, calc } from './bind-query.ts';
import { Catalog } from './catalog.ts';
import { compileValue } from './compile-calc.ts';
import { explainRel } from './explain-rel.ts';
import { parseOne } from './parse-sql.ts';
import { parseType } from './parse-type.ts';
import { planRel, type PlanTarget } from './plan-rel.ts';
import { propertyFields, type Rel } from './rel.ts';
import { SqlError, unsupported } from './sql-error.ts';
import { SqlTableImpl, type SqlTable } from './sql-table.ts';
import { formatType, isNumeric, typeFromSpec, type SqlType } from './sql-type.ts';
import { TABLE_CONNECTORS } from './table-connectors.ts';
import { defineTable, type TableDefinition } from './table-definition.ts';
import { insertResult, okResult, type TableResult } from './table-result.ts';
import { TokenCursor } from './token-cursor.ts';
import { tokenize } from './tokenize.ts';

/**
 * How SQL sees a DataStream: its columns (fields of T with SQL types) and, for windows, the
 * column that holds each record's event time (the stream's own timestamps and watermarks must
 * follow it, as Flink's SOURCE_WATERMARK()).
 *
 * @example
 * tEnv.fromDataStream(clicks, { columns: { page: 'STRING', ts: 'TIMESTAMP(3)' }, rowtime: 'ts' });
 */
export interface StreamSchema<T> {
  readonly columns: { readonly [K in keyof T & string]?: string };
  readonly rowtime?: keyof T & string;
}

/**
 * Options of a user-defined scalar function.
 *
 * @example
 * tEnv.createTemporarySystemFunction('count_char', (s: string, c: string) => s.split(c).length - 1, { resultType: 'BIGINT' });
 */
export interface FunctionOptions {
  /** The SQL type of its result (default STRING): TypeScript's types are gone at run time. */
  readonly resultType?: string;
}

const parseTypeText = (text: string): SqlType => {
  const c = new TokenCursor(tokenize(text));
  const type = typeFromSpec(parseType(c));
  if (!c.atEnd()) throw c.expected('the end of the type');
  return type;
};

/**
 * SQL on an environment, in Flink SQL's dialect: CREATE TABLE over connectors (jsonl, csv,
 * nexmark, datagen, print, blackhole), views, queries with window aggregation, and INSERT INTO.
 * Queries compile to the typed API's operators on the environment, so they run, checkpoint and
 * show in `explain` like any job. See docs/sql.md.
 *
 * @example
 * const env = StreamEnvironment.create();
 * const tEnv = StreamTableEnvironment.create(env);
 * await tEnv.executeSql(`CREATE TABLE bids (auction BIGINT, price BIGINT, dateTime TIMESTAMP(3),
 *   WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'jsonl', 'path' = 'bids.jsonl')`);
 * const counts = tEnv.sqlQuery(`SELECT auction, window_start, window_end, COUNT(*) AS bids
 *   FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end`);
 * tEnv.toDataStream<{ auction: number; window_start: number; window_end: number; bids: number }>(counts).sinkTo(sinks.jsonl('counts.jsonl'));
 * await env.execute('bid-counts');
 */
export class StreamTableEnvironment {
  private readonly catalog = new Catalog();
  /** The source stream of each table, per environment: a table read by two queries of a job is read once. */
  private readonly sources = new WeakMap<StreamEnvironment, Map<string, DataStream<unknown>>>();

  private constructor(private readonly env: StreamEnvironment) {}

  static create(env: StreamEnvironment): StreamTableEnvironment {
    return new StreamTableEnvironment(env);
  }

  /**
   * Runs one statement. CREATE TABLE / VIEW and DROP change the catalog; INSERT INTO starts a job
   * of its own at once (with the environment's settings) and returns its handle.
   */
  async executeSql(sql: string): Promise<TableResult> {
    const statement = parseOne(sql);
    return this.execute(statement);
  }

  /** A query's result, to read with toDataStream or register with createTemporaryView. */
  sqlQuery(sql: string): SqlTable {
    const s = parseOne(sql);
    if (s.kind !== 'query') throw new SqlError('sqlQuery takes a query (SELECT ...)', s.pos, 'run other statements with executeSql');
    return new SqlTableImpl(this, bindQuery(s.query, { catalog: this.catalog, ctes: new Map() }));
  }

  /** The rows of a query as a stream on this environment, each an object with the query's column names. */
  toDataStream<T>(table: SqlTable): DataStream<T> {
    return planRel(this.relOf(table), this.target(this.env, true)) as DataStream<T>;
  }

  /**
   * The lines of a table's source that could not be read (malformed, or values that do not fit
   * the column types), with their position and reason, as a stream on this environment. Without
   * it they are dropped and counted, as any source's dead letters are.
   */
  deadLetters(table: string): DataStream<DeadLetter> {
    const entry = this.catalog.lookup(table, { line: 1, column: 1 });
    if (entry.kind !== 'table') throw new Error(`'${table}' is a view; dead letters come from the sources of tables`);
    return this.target(this.env, true).source(entry.table).getSideOutput(DEAD_LETTERS);
  }

  /** A stream as a table for SQL; the schema names its columns and their types. */
  fromDataStream<T>(stream: DataStream<T>, schema?: StreamSchema<T>): SqlTable {
    return new SqlTableImpl(this, this.streamRel(`stream#${stream.id}`, stream, schema));
  }

  /** Registers a stream (with its schema) or a query's result under a name that SQL can read. */
  createTemporaryView<T>(name: string, source: DataStream<T> | SqlTable, schema?: StreamSchema<T>): void {
    const rel = source instanceof SqlTableImpl ? this.relOf(source) : this.streamRel(name, source as DataStream<T>, schema);
    this.catalog.add(name, { kind: 'view', name, rel }, { line: 1, column: 1 });
  }

  /** Registers a TypeScript function for SQL to call by name (case-insensitive) as a scalar function. */
  createTemporarySystemFunction(name: string, fn: ScalarUdf, options: FunctionOptions = {}): void {
    const resultType = parseTypeText(options.resultType ?? 'STRING');
    this.catalog.functions.set(name.toUpperCase(), { name, fn, resultType });
  }

  /** The logical plan of a query or INSERT INTO, and the Eddy operators it compiles to. */
  explainSql(sql: string): string {
    const s = parseOne(sql);
    const job = this.env.fork();
    let rel: Rel;
    if (s.kind === 'query') rel = bindQuery(s.query, { catalog: this.catalog, ctes: new Map() });
    else if (s.kind === 'insert') rel = this.insertRel(s).rel;
    else throw new SqlError('explainSql takes a query or an INSERT INTO', s.pos);
    planRel(rel, this.target(job, true));
    return `== Logical plan ==\n${explainRel(rel)}\n\n== Eddy plan ==\n${explain(job.plan(), 'sql')}`;
  }

  private async execute(s: Statement): Promise<TableResult> {
    switch (s.kind) {
      case 'create-table': {
        const table = defineTable(s, TABLE_CONNECTORS, this.catalog.functions);
        this.catalog.add(table.name, { kind: 'table', table }, s.pos, s.ifNotExists);
        return okResult;
      }
      case 'create-view': {
        let rel = bindQuery(s.query, { catalog: this.catalog, ctes: new Map() });
        if (s.columns !== null) {
          if (s.columns.length !== rel.fields.length) throw new SqlError(`${s.columns.length} column names for ${rel.fields.length} columns`, s.pos);
          const names = s.columns;
          rel = calc(rel, null, rel.fields.map((f, i) => ({ name: names[i], expr: f.expr })));
        }
        const name = s.name.join('.');
        this.catalog.add(name, { kind: 'view', name, rel }, s.pos, s.ifNotExists);
        return okResult;
      }
      case 'drop':
        if (s.what === 'FUNCTION') {
          if (!this.catalog.functions.delete(s.name.join('.').toUpperCase()) && !s.ifExists) throw new SqlError(`no function named '${s.name.join('.')}'`, s.pos);
        } else {
          this.catalog.drop(s.name.join('.'), s.pos, s.ifExists);
        }
        return okResult;
      case 'insert': {
        const { rel, table } = this.insertRel(s);
        const job = this.env.fork();
        const sink = (table.connector.sink as NonNullable<typeof table.connector.sink>)(table);
        planRel(rel, this.target(job, false)).sinkTo(sink).name(`sink: ${table.name}`);
        return insertResult(job.executeAsync(`insert-into_${table.name}`));
      }
      case 'create-function':
        throw unsupported(`CREATE FUNCTION ... AS '${s.className}'`, s.pos, "register a TypeScript function with tEnv.createTemporarySystemFunction('name', fn)");
      case 'query':
        throw unsupported('a SELECT through executeSql', s.pos, 'read a query with tEnv.toDataStream(tEnv.sqlQuery(sql)), or write it to a table with INSERT INTO');
      case 'set':
        throw unsupported('SET', s.pos, "set the job's options on StreamEnvironment.create({ ... })");
      case 'explain':
        throw unsupported('EXPLAIN through executeSql', s.pos, 'call tEnv.explainSql(sql)');
    }
  }

  /** INSERT INTO t SELECT ...: the query, renamed to the sink's columns by position. */
  private insertRel(s: Statement & { kind: 'insert' }): { rel: Rel; table: TableDefinition } {
    const name = s.table.join('.');
    const entry = this.catalog.lookup(name, s.pos);
    if (entry.kind !== 'table') throw new SqlError(`cannot INSERT INTO the view '${name}'`, s.pos, 'insert into a table with a sink connector');
    const table = entry.table;
    if (table.connector.sink === undefined) {
      throw new SqlError(`the ${table.connector.name} connector of table '${name}' is a source only`, s.pos, 'write to a jsonl, csv, print or blackhole table');
    }
    if (s.overwrite) throw unsupported('INSERT OVERWRITE', s.pos, 'use INSERT INTO');
    if (s.columns !== null) throw unsupported('INSERT INTO with a column list', s.pos, "select the table's columns in order");
    const rel = bindQuery(s.query, { catalog: this.catalog, ctes: new Map() });
    const columns = table.columns.filter((c) => !c.computed);
    if (rel.fields.length !== columns.length) {
      throw new SqlError(`the query gives ${rel.fields.length} columns, table '${name}' has ${columns.length} (${columns.map((c) => c.name).join(', ')})`, s.query.pos);
    }
    columns.forEach((c, i) => {
      const from = rel.fields[i].type;
      const ok = from.name === c.type.name || from.name === 'NULL' || (isNumeric(from) && isNumeric(c.type))
        || ((from.name === 'TIMESTAMP' || from.name === 'TIMESTAMP_LTZ') && (c.type.name === 'TIMESTAMP' || c.type.name === 'TIMESTAMP_LTZ'));
      if (!ok) {
        throw new SqlError(`column ${i + 1} of the query (${rel.fields[i].name}) is ${formatType(from)}, the table's column ${c.name} is ${formatType(c.type)}`, s.query.pos,
          `CAST it: CAST(... AS ${c.type.name})`);
      }
    });
    return { rel: calc(rel, null, rel.fields.map((f, i) => ({ name: columns[i].name, expr: f.expr }))), table };
  }

  private relOf(table: SqlTable): Rel {
    if (!(table instanceof SqlTableImpl) || table.owner !== this) throw new Error('this table was made by another StreamTableEnvironment');
    return table.rel;
  }

  private streamRel<T>(name: string, stream: DataStream<T>, schema: StreamSchema<T> | undefined): Rel {
    if (schema === undefined) {
      throw new Error('fromDataStream/createTemporaryView needs a schema: TypeScript types are gone at run time, so name the columns and '
        + "their SQL types, as in { columns: { page: 'STRING', ts: 'TIMESTAMP(3)' }, rowtime: 'ts' }");
    }
    const entries = Object.entries(schema.columns as Record<string, string>);
    if (schema.rowtime !== undefined && !entries.some(([c]) => c === schema.rowtime)) {
      throw new Error(`the rowtime '${String(schema.rowtime)}' is not one of the schema's columns`);
    }
    const fields = propertyFields(entries.map(([column, type]) => {
      const t = parseTypeText(type);
      return { name: column, type: column === schema.rowtime ? { ...t, rowtime: true } : t };
    }));
    return { kind: 'stream', name, stream: stream as DataStream<unknown>, fields };
  }

  private target(env: StreamEnvironment, streamsAllowed: boolean): PlanTarget {
    return {
      streamsAllowed,
      source: (table) => {
        let perEnv = this.sources.get(env);
        if (perEnv === undefined) this.sources.set(env, (perEnv = new Map()));
        let stream = perEnv.get(table.name);
        if (stream === undefined) {
          stream = env.fromSource((table.connector.source ?? noSource(table))(table), strategyOf(table), table.name);
          perEnv.set(table.name, stream);
        }
        return stream;
      },
    };
  }
}

function noSource(table: TableDefinition): never {
  throw new SqlError(`the ${table.connector.name} connector of table '${table.name}' is a sink only`, table.pos, 'read from a jsonl, csv, nexmark or datagen table');
}

/** The table's watermark: bounded out-of-orderness by the WATERMARK's interval, timestamps from its column. */
function strategyOf(table: TableDefinition): WatermarkStrategy<unknown> {
  const rowtime = table.rowtime;
  if (rowtime === null) return WatermarkStrategy.noWatermarks();
  const read = compileValue(rowtime.expr) as (r: unknown) => number | null;
  return WatermarkStrategy.forBoundedOutOfOrderness<unknown>(rowtime.delayMs).withTimestampAssigner((r) => {
    const t = read(r);
    if (t === null) throw new Error(`table ${table.name}: the time column ${rowtime.column} is NULL, so the record has no event time`);
    return t;
  });
}
