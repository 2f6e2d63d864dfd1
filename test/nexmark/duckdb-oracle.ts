import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { nexmarkConfig, nexmarkEvent, type NexmarkOptions } from '../../src/connectors/nexmark/index.ts';

/** A row of a query result: BIGINTs come back as numbers (every value here is below 2^53). */
export type Row = Record<string, number | string | null>;

/**
 * Writes events 0 .. count - 1 of the generator to a JSON Lines file, each with its number `n`.
 *
 * @example
 * writeEventsFile('/tmp/events.jsonl', 100_000, { outOfOrderGroupSize: 50 });
 */
export function writeEventsFile(path: string, count: number, options: Partial<NexmarkOptions>): void {
  const config = nexmarkConfig(options);
  const lines: string[] = [];
  for (let n = 0; n < count; n++) lines.push(JSON.stringify({ n, ...nexmarkEvent(config, n) }));
  lines.push('');
  writeFileSync(path, lines.join('\n'));
}

const sql = (name: string): string => readFileSync(new URL(`sql/${name}.sql`, import.meta.url), 'utf8');

/**
 * The reference queries, run by DuckDB over an events file: the batch oracle of the Nexmark tests.
 *
 * @example
 * const oracle = await DuckDbOracle.open('/tmp/events.jsonl', 1024);
 * const rows = await oracle.query('q5', 4_000);
 * oracle.close();
 */
export class DuckDbOracle {
  private constructor(private readonly instance: DuckDBInstance, private readonly db: DuckDBConnection) {}

  static async open(eventsFile: string, batchSize: number): Promise<DuckDbOracle> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const db = await instance.connect();
    await db.run(`SET VARIABLE events_file = '${eventsFile.replaceAll("'", "''")}'`);
    await db.run(`SET VARIABLE batch_size = ${Math.trunc(batchSize)}`);
    await db.run(`SET VARIABLE delay_ms = 0`);
    await db.run(sql('ddl'));
    return new DuckDbOracle(instance, db);
  }

  /** Runs sql/<name>.sql with the watermark `delayMs` behind the highest event time seen. */
  async query(name: string, delayMs = 0): Promise<Row[]> {
    await this.db.run(`SET VARIABLE delay_ms = ${Math.trunc(delayMs)}`);
    const result = await this.db.runAndReadAll(sql(name));
    return result.getRowObjectsJS().map((row) => {
      const out: Row = {};
      for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : (v as number | string | null);
      return out;
    });
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
