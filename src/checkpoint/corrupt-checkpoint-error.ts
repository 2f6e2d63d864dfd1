/**
 * Why a checkpoint could not be used: a file missing, truncated or not matching its checksum. A
 * restore passes over such a checkpoint to the one before it; any other error (an object store
 * that cannot be reached) fails the restore instead.
 *
 * @example
 * throw new CorruptCheckpointError('chk-000004/op1-local.bin: checksum mismatch');
 */
export class CorruptCheckpointError extends Error {}
