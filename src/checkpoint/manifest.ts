import type { Key } from '../functions/key.ts';

/** A state file of a checkpoint, relative to the checkpoint directory root, with its checksum. */
export interface FileRef {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /**
   * 'lmdb': the data file of an LMDB copy (see `copyTo`), restored by copying, whose `sha256` is
   * that of its 4 MiB chunks' digests (see `hashFile`); absent: msgpack-encoded state.
   */
  readonly format?: 'lmdb';
}

/** One operator's part of a checkpoint. */
export interface OperatorEntry {
  /** uid if the operator has one, else its name. */
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly hasUid: boolean;
  /** Operator-local state (timers, panes), if any. */
  readonly local: FileRef | null;
  /** Keyed state: a full snapshot followed by the deltas since, oldest first. */
  readonly keyed: readonly FileRef[];
  readonly keyCount: number;
  readonly stateBytes: number;
  readonly watermark: number | null;
  readonly inputWatermarks: readonly (number | null)[];
}

/** One source's position and watermarks. */
export interface SourceEntry {
  readonly id: string;
  readonly position: unknown;
  readonly splitWatermarks: readonly (number | null)[];
  /** The source's own watermark (min over its live splits). */
  readonly watermark: number | null;
  readonly finished: boolean;
}

/** What a sink must finish committing when this checkpoint is restored. */
export interface SinkEntry {
  readonly id: string;
  readonly token: unknown;
}

/**
 * The index of a checkpoint, written last and atomically: a checkpoint without a valid manifest
 * does not exist. Watermarks use null for -Infinity (JSON has no infinities).
 *
 * @example
 * const m: Manifest = JSON.parse(readFileSync('chk-000012/MANIFEST.json', 'utf8'));
 */
export interface Manifest {
  readonly format: 1;
  readonly kind: 'checkpoint' | 'savepoint';
  readonly id: number;
  readonly job: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly operators: readonly OperatorEntry[];
  readonly sources: readonly SourceEntry[];
  readonly sinks: readonly SinkEntry[];
  /** sha256 of the manifest's JSON with this field set to "". */
  readonly checksum: string;
}

/** JSON-safe watermark. */
export function encodeTime(t: number): number | null {
  return Number.isFinite(t) ? t : t > 0 ? Number.MAX_VALUE : null;
}

/** Inverse of encodeTime. */
export function decodeTime(t: number | null): number {
  return t === null ? Number.NEGATIVE_INFINITY : t === Number.MAX_VALUE ? Number.POSITIVE_INFINITY : t;
}

/** Re-exported for state files. */
export type { Key };
