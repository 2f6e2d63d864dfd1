/**
 * Where a job's web server listens, once it does: the bound host and port (the real port when 0
 * was asked for) and the dashboard's URL.
 *
 * @example
 * const { url } = await job.web!; // 'http://127.0.0.1:40123/'
 */
export interface WebAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}
