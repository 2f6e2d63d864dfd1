/**
 * Where checkpoint files live, behind the few operations `CheckpointStorage` needs: a local
 * directory (`DirectoryStore`) or an S3-compatible object store (`ObjectStore`). Paths are
 * relative to the store's root, with `/` between parts (`chk-000012/MANIFEST.json`).
 *
 * @example
 * const store: CheckpointStore = new DirectoryStore('.eddy/checkpoints/clicks');
 * await store.write('chk-000001/op0-local.bin', data, false);
 */
export interface CheckpointStore {
  /** Where it is, for messages: an absolute directory, or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * A directory on this machine for what never leaves it: the control socket, at-most-once
   * positions, LMDB copies on their way up or down. The root itself for a local directory.
   */
  readonly localDir: string;
  /** Names directly under the root (the checkpoint directories); empty when there is no root yet. */
  entries(): Promise<string[]>;
  /** Paths of the files under `dir`, relative to the root. */
  filesUnder(dir: string): Promise<string[]>;
  /** Size in bytes, or null when there is no such file. */
  size(path: string): Promise<number | null>;
  /** The file's contents, or null when there is no such file. */
  read(path: string): Promise<Buffer | null>;
  /** Writes a file durably; `atomic`: readers see the whole file or none (the manifest). */
  write(path: string, data: Buffer | string, atomic: boolean): Promise<void>;
  /** Removes a file, or everything under a directory. */
  remove(path: string): Promise<void>;
  /** Removes everything under the root. */
  clear(): Promise<void>;
  /** The local file a writer that writes files itself (an LMDB copy) writes for `path`. */
  stagingPath(path: string): string;
  /** Makes the file written to `stagingPath(path)` part of the store (an upload; nothing to do on disk). */
  putStaged(path: string): Promise<void>;
  /** A local file holding `path` (downloaded first from an object store); whether it was downloaded. */
  localFile(path: string): Promise<{ readonly file: string; readonly downloaded: boolean }>;
}
