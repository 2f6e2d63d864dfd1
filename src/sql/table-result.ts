import type { JobHandle } from '../api/stream-environment.ts';

/**
 * What a finished job reports (the environment's `execute` result).
 *
 * @example
 * const done: SqlJobResult | null = await (await tEnv.executeSql('INSERT INTO out SELECT * FROM bids')).await();
 */
export type SqlJobResult = Awaited<JobHandle['result']>;

/**
 * What `executeSql` returns: for DDL, that it is done; for INSERT INTO, the job that runs the
 * insert (started at once, as Flink's executeSql does).
 *
 * @example
 * const result = await tEnv.executeSql('INSERT INTO hot SELECT auction, price FROM bid WHERE price > 1000');
 * await result.await(); // until the job ends (a bounded source has ended)
 */
export interface TableResult {
  /** 'OK' for a statement that only changed the catalog, 'INSERT' for one that started a job. */
  readonly kind: 'OK' | 'INSERT';
  /** The running job of an INSERT INTO; null otherwise. */
  readonly job: JobHandle | null;
  /** Waits for the job to end; at once for DDL. */
  await(): Promise<SqlJobResult | null>;
}

/** @internal */
export const okResult: TableResult = Object.freeze({ kind: 'OK' as const, job: null, await: async () => null });

/** @internal */
export function insertResult(job: JobHandle): TableResult {
  return Object.freeze({ kind: 'INSERT' as const, job, await: () => job.result });
}
