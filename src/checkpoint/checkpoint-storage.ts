import { dirname } from 'node:path';
import type { FileRef, Manifest } from './manifest.ts';
import { sha256 } from './snapshot-codec.ts';
import { hashFile } from './keyed-files.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import { CorruptCheckpointError } from './corrupt-checkpoint-error.ts';
import { DirectoryStore } from './directory-store.ts';

export { CorruptCheckpointError } from './corrupt-checkpoint-error.ts';

const MANIFEST = 'MANIFEST.json';

/** A checkpoint directory name: chk-000042 (savepoints live wherever they are written). */
export function checkpointDirName(id: number): string {
  return `chk-${String(id).padStart(6, '0')}`;
}

/**
 * Checkpoints in a store (a local directory, or an object store): state files are written first,
 * then the manifest, atomically, so a crash leaves either a complete checkpoint or none. Every
 * file carries a sha256 in the manifest; loading verifies them all (an LMDB copy in an object
 * store: its size, then its checksum once downloaded).
 *
 * @example
 * const storage = new CheckpointStorage('.eddy/checkpoints/job');
 * const latest = await storage.latestValid((w) => console.warn(w));
 */
export class CheckpointStorage {
  readonly store: CheckpointStore;
  /** Files read (and checked) by `verify`, kept for the restore that follows, then dropped. */
  private verified = new Map<string, Buffer>();

  /** `root`: a local directory, or a store (see `storeAt` for object stores). */
  constructor(root: string | CheckpointStore) {
    this.store = typeof root === 'string' ? new DirectoryStore(root) : root;
  }

  /** Where the checkpoints are, for messages: a directory or `s3://bucket/prefix`. */
  get location(): string {
    return this.store.location;
  }

  async writeFile(checkpointDir: string, name: string, data: Buffer): Promise<FileRef> {
    const path = `${checkpointDir}/${name}`;
    await this.store.write(path, data, false);
    return { path, sha256: sha256(data), bytes: data.length };
  }

  /** Seals a checkpoint: after this returns, it exists. */
  async writeManifest(checkpointDir: string, manifest: Omit<Manifest, 'checksum'>): Promise<Manifest> {
    const withChecksum: Manifest = { ...manifest, checksum: sha256(JSON.stringify({ ...manifest, checksum: '' })) };
    await this.store.write(`${checkpointDir}/${MANIFEST}`, JSON.stringify(withChecksum, null, 1), true);
    return withChecksum;
  }

  /** The local directory a backend copies itself into (an LMDB copy) for `storeCopy` to store. */
  copyDir(checkpointDir: string, name: string): string {
    return dirname(this.store.stagingPath(`${checkpointDir}/${name}/x`));
  }

  /** Stores the file a backend copied into `copyDir(checkpointDir, name)`: a reference with its checksum, read as a stream. */
  async storeCopy(checkpointDir: string, name: string, file: string, format: 'lmdb'): Promise<FileRef> {
    const path = `${checkpointDir}/${name}/${file}`;
    const { sha256: sum, bytes } = await hashFile(this.store.stagingPath(path));
    await this.store.putStaged(path);
    return { path, sha256: sum, bytes, format };
  }

  /** The local directory holding an LMDB copy (downloaded from an object store, then checked). */
  async copyOf(ref: FileRef): Promise<string> {
    const { file, downloaded } = await this.store.localFile(ref.path);
    if (downloaded && (await hashFile(file)).sha256 !== ref.sha256) {
      throw new CorruptCheckpointError(`${this.location}/${ref.path}: checksum mismatch after download`);
    }
    return dirname(file);
  }

  /** Reads a state file, checking its size and checksum (once: `verify` may have done it). */
  async readFile(ref: FileRef): Promise<Buffer> {
    const cached = this.verified.get(ref.path);
    if (cached !== undefined) {
      this.verified.delete(ref.path);
      return cached;
    }
    const data = await this.store.read(ref.path);
    if (data === null) throw new CorruptCheckpointError(`${ref.path} is missing`);
    if (data.length !== ref.bytes || sha256(data) !== ref.sha256) {
      throw new CorruptCheckpointError(`${ref.path}: checksum mismatch (${data.length} bytes, expected ${ref.bytes})`);
    }
    return data;
  }

  /** Parses the manifest of `checkpointDir` and checks it and every file it references. */
  async verify(checkpointDir: string): Promise<Manifest> {
    this.verified.clear();
    const where = `${this.location}/${checkpointDir}/${MANIFEST}`;
    const text = (await this.store.read(`${checkpointDir}/${MANIFEST}`))?.toString('utf8');
    if (text === undefined) throw new CorruptCheckpointError(`${where} is missing`);
    let m: Manifest;
    try {
      m = JSON.parse(text) as Manifest;
    } catch (e) {
      throw new CorruptCheckpointError(`${where} is not valid JSON (truncated?): ${(e as Error).message}`);
    }
    if (m.format !== 1) throw new CorruptCheckpointError(`${where}: unknown format ${String(m.format)}`);
    if (sha256(JSON.stringify({ ...m, checksum: '' })) !== m.checksum) {
      throw new CorruptCheckpointError(`${where}: manifest checksum mismatch`);
    }
    for (const op of m.operators) {
      for (const ref of [...(op.local ? [op.local] : []), ...op.keyed]) {
        const size = await this.store.size(ref.path);
        if (size === null) throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}') is missing`);
        if (size !== ref.bytes) throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}') has ${size} bytes, expected ${ref.bytes}`);
        if (ref.format === 'lmdb') {
          // Never read into memory: checked as a stream in place, and used in place (the restore
          // copies it). In an object store it is checked when it is downloaded (`copyOf`).
          if (!(this.store instanceof DirectoryStore)) continue;
          if ((await hashFile(this.store.stagingPath(ref.path))).sha256 !== ref.sha256) throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}'): checksum mismatch`);
          continue;
        }
        this.verified.set(ref.path, await this.readFile(ref));
      }
    }
    return m;
  }

  /** Ids of the checkpoint directories that have a manifest, newest first. */
  async completedIds(): Promise<number[]> {
    const ids: number[] = [];
    for (const n of await this.store.entries()) {
      const m = /^chk-(\d+)$/.exec(n);
      // no manifest: an unfinished checkpoint
      if (m !== null && (await this.store.size(`${n}/${MANIFEST}`)) !== null) ids.push(Number(m[1]));
    }
    return ids.sort((a, b) => b - a);
  }

  /**
   * The newest checkpoint that verifies. Each one skipped is reported through `warn` with the reason.
   */
  async latestValid(warn: (message: string) => void): Promise<{ manifest: Manifest; dir: string } | null> {
    for (const id of await this.completedIds()) {
      const dir = checkpointDirName(id);
      try {
        return { manifest: await this.verify(dir), dir };
      } catch (e) {
        if (!(e instanceof CorruptCheckpointError)) throw e;
        warn(`checkpoint ${dir} in ${this.location} cannot be used: ${e.message}; trying the previous one`);
      }
    }
    return null;
  }

  /** Highest checkpoint id present (complete or not), so new ids never reuse a directory. */
  async highestId(): Promise<number> {
    let max = 0;
    for (const n of await this.store.entries()) {
      const m = /^chk-(\d+)$/.exec(n);
      if (m !== null) max = Math.max(max, Number(m[1]));
    }
    return max;
  }

  /**
   * Keeps the newest `keep` complete checkpoints and every file they reference (read from their
   * manifests in the store, so checkpoints of an earlier run of the job count too); removes the rest,
   * including unfinished checkpoints older than the newest complete one. A retired checkpoint
   * whose state files a kept one still references (a delta chain reaches back into it) loses its
   * manifest and keeps only those files: at most `keep` manifests remain, and a manifest carries
   * the sinks' tokens, which hold every record not yet published while a sink cannot commit.
   */
  async retain(keep: number): Promise<void> {
    const completed = await this.completedIds();
    const newest = completed[0] ?? 0;
    const keepIds = new Set(completed.slice(0, keep));
    /** Referenced files, relative to the root, and the checkpoint directories holding them. */
    const referenced = new Set<string>();
    const referencedDirs = new Set<string>();
    for (const id of keepIds) {
      let m: Manifest;
      try {
        m = JSON.parse((await this.store.read(`${checkpointDirName(id)}/${MANIFEST}`))?.toString('utf8') ?? '') as Manifest;
      } catch {
        continue;
      }
      for (const op of m.operators) {
        for (const ref of [...(op.local ? [op.local] : []), ...op.keyed]) {
          referenced.add(ref.path);
          referencedDirs.add(ref.path.split('/')[0]);
        }
      }
    }
    for (const n of await this.store.entries()) {
      const m = /^chk-(\d+)$/.exec(n);
      if (m === null) continue;
      const id = Number(m[1]);
      if (keepIds.has(id) || id >= newest) continue;
      if (completed.includes(id)) {
        // Retired: drop its manifest first, so a crash half-way leaves an incomplete directory,
        // never a manifest with missing files.
        await this.store.remove(`${n}/${MANIFEST}`);
      }
      if (!referencedDirs.has(n)) {
        await this.store.remove(n);
        continue;
      }
      // Still referenced: keep the referenced files (an LMDB copy is a directory) and nothing else.
      const dropped = new Set<string>();
      for (const f of await this.store.filesUnder(n)) {
        const entry = f.split('/').slice(0, 2).join('/');
        if (dropped.has(entry) || [...referenced].some((r) => r === entry || r.startsWith(`${entry}/`))) continue;
        dropped.add(entry);
        await this.store.remove(entry);
      }
    }
  }
}
