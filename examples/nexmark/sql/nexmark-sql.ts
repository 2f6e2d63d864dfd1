import { readFileSync } from 'node:fs';
import { StreamEnvironment, StreamTableEnvironment, type TableResult } from 'eddy';

/** The statements of a script (these files end each with a semicolon at the end of a line). */
const statements = (script: string): string[] =>
  script.split(/;[ \t]*(?:\r?\n|$)/).filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');

/** The Nexmark queries Eddy's SQL runs, by file name (without .sql) under this folder. */
export const SQL_QUERIES = ['q0', 'q1', 'q2', 'q5-auction-bids', 'q7-max-price'] as const;
export type SqlQueryName = (typeof SQL_QUERIES)[number];

/** The reference's DDL variables: events, the event rate (events per second of event time), proportions. */
export interface NexmarkSqlOptions {
  readonly events: number;
  readonly tps: number;
  /** Eddy's own: events shuffled in groups of this many (1, the default: in order). */
  readonly outOfOrderGroupSize?: number;
}

const file = (name: string): string => readFileSync(new URL(`${name}.sql`, import.meta.url), 'utf8');

/**
 * The reference's DDL (ddl_gen.sql, ddl_views.sql) with its variables filled in, as statements.
 * The `nexmark` connector generates the events; Eddy-only options go after the reference's.
 */
export function nexmarkDdl(options: NexmarkSqlOptions): string[] {
  const vars: Record<string, string> = {
    TPS: String(options.tps), EVENTS_NUM: String(options.events), PERSON_PROPORTION: '1', AUCTION_PROPORTION: '3', BID_PROPORTION: '46', NEXMARK_TABLE: 'datagen',
  };
  const fill = (text: string): string => text.replace(/\$\{(\w+)\}/g, (_, k: string) => vars[k] ?? `\${${k}}`);
  let ddl = fill(file('ddl_gen'));
  if (options.outOfOrderGroupSize !== undefined) ddl = ddl.replace(/\)\s*;?\s*$/, `,\n    'out-of-order-group-size' = '${options.outOfOrderGroupSize}'\n)`);
  return [ddl, ...statements(fill(file('ddl_views')))];
}

/**
 * Runs one of the SQL queries over generated events with `sinkConnector` options in place of its
 * blackhole sink (e.g. `'connector' = 'jsonl', 'path' = 'q1.jsonl'`), and waits for the job.
 *
 * @example
 * await runNexmarkSql('q1', { events: 100_000, tps: 10_000 }, "'connector' = 'jsonl', 'path' = 'q1.jsonl'");
 */
export async function runNexmarkSql(name: SqlQueryName, options: NexmarkSqlOptions, sinkConnector: string, env = StreamEnvironment.create()): Promise<TableResult> {
  const tEnv = StreamTableEnvironment.create(env);
  for (const statement of nexmarkDdl(options)) await tEnv.executeSql(statement);
  let insert: TableResult | null = null;
  for (const statement of statements(file(name).replace("'connector' = 'blackhole'", sinkConnector))) {
    const result = await tEnv.executeSql(statement);
    if (result.kind === 'INSERT') insert = result;
  }
  if (insert === null) throw new Error(`${name}.sql has no INSERT INTO`);
  await insert.await();
  return insert;
}
