/**
 * Global transaction ids of the exactly-once sink: `<prefix>:<checkpoint id>`. A GID cannot be a
 * bind parameter (PREPARE TRANSACTION is a utility statement), so it is built only from a
 * validated prefix and an integer, checked again right before it is put between quotes.
 */
const SAFE = /^[A-Za-z0-9_.:-]+$/;
/** PostgreSQL's limit is 200 bytes; room is left for the checkpoint id. */
const MAX_PREFIX = 150;

/**
 * The GID prefix of a sink: `explicit` if given (validated), else `eddy:<table>:<operator>` with
 * characters outside [A-Za-z0-9_.:-] replaced by `_`.
 *
 * @example
 * gidPrefix('orders', 'postgres-sink#4'); // 'eddy:orders:postgres-sink_4'
 */
export function gidPrefix(table: string, operatorName: string, explicit?: string): string {
  if (explicit !== undefined) {
    if (!SAFE.test(explicit) || explicit.length > MAX_PREFIX) {
      throw new Error(`sinks.postgres: gidPrefix '${explicit}' must be 1-${MAX_PREFIX} characters of A-Z a-z 0-9 _ . : -`);
    }
    return explicit;
  }
  const p = `eddy:${table}:${operatorName}`.replace(/[^A-Za-z0-9_.:-]/g, '_');
  return p.length > MAX_PREFIX ? p.slice(0, MAX_PREFIX) : p;
}

/**
 * The GID of a checkpoint's transaction.
 *
 * @example
 * gidFor('eddy:orders:sink', 12); // 'eddy:orders:sink:12'
 */
export function gidFor(prefix: string, checkpointId: number): string {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) throw new Error(`bad checkpoint id ${checkpointId} for a transaction id`);
  return `${prefix}:${checkpointId}`;
}

/**
 * The GID as an SQL string literal, after checking it once more.
 *
 * @example
 * `COMMIT PREPARED ${quoteGid('eddy:orders:sink:12')}`; // COMMIT PREPARED 'eddy:orders:sink:12'
 */
export function quoteGid(gid: string): string {
  if (!SAFE.test(gid) || gid.length > 200) throw new Error(`refusing to use '${gid}' as a transaction id`);
  return `'${gid}'`;
}

/**
 * The checkpoint id of a GID that belongs to `prefix`, else null (another sink's or job's).
 *
 * @example
 * checkpointOf('eddy:t:s', 'eddy:t:s:7'); // 7
 */
export function checkpointOf(prefix: string, gid: string): number | null {
  if (!gid.startsWith(`${prefix}:`)) return null;
  const rest = gid.slice(prefix.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}
