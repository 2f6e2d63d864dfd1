import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { FileRef, Manifest } from './manifest.ts';
import { sha256 } from './snapshot-codec.ts';
import { hashFile } from './keyed-files.ts';

const MANIFEST = 'MANIFEST.json';

/** A checkpoint directory name: chk-000042 (savepoints live wherever they are written). */
export function checkpointDirName(id: number): string {
  return `chk-${String(id).padStart(6, '0')}`;
}

/** Why a checkpoint could not be used. */
export class CorruptCheckpointError extends Error {}

/**
 * Checkpoints on local disk: state files are written and fsynced first, then the manifest goes
 * to a temporary name, is fsynced, and is renamed into place, so a crash leaves either a complete
 * checkpoint or none. Every file carries a sha256 in the manifest; loading verifies them all.
 *
 * @example
 * const storage = new CheckpointStorage('.eddy/checkpoints/job');
 * const latest = await storage.latestValid((w) => console.warn(w));
 */
export class CheckpointStorage {
  readonly root: string;
  /** Files read (and checked) by `verify`, kept for the restore that follows, then dropped. */
  private verified = new Map<string, Buffer>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  async writeFile(checkpointDir: string, name: string, data: Buffer): Promise<FileRef> {
    const dir = join(this.root, checkpointDir);
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    const fh = await open(file, 'w');
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    return { path: relative(this.root, file), sha256: sha256(data), bytes: data.length };
  }

  /** Seals a checkpoint: after this returns, it exists. */
  async writeManifest(checkpointDir: string, manifest: Omit<Manifest, 'checksum'>): Promise<Manifest> {
    const dir = join(this.root, checkpointDir);
    await mkdir(dir, { recursive: true });
    const withChecksum: Manifest = { ...manifest, checksum: sha256(JSON.stringify({ ...manifest, checksum: '' })) };
    const tmp = join(dir, `${MANIFEST}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(withChecksum, null, 1));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, MANIFEST));
    await syncDir(dir);
    return withChecksum;
  }

  /** Absolute path of a file a manifest references. */
  pathOf(ref: FileRef): string {
    return join(this.root, ref.path);
  }

  /** A reference to a file already in place (an LMDB copy), with its checksum, read as a stream. */
  async refTo(path: string, format: 'lmdb'): Promise<FileRef> {
    const { sha256: sum, bytes } = await hashFile(path);
    return { path: relative(this.root, path), sha256: sum, bytes, format };
  }

  /** Reads a state file, checking its size and checksum (once: `verify` may have done it). */
  async readFile(ref: FileRef): Promise<Buffer> {
    const cached = this.verified.get(ref.path);
    if (cached !== undefined) {
      this.verified.delete(ref.path);
      return cached;
    }
    const data = await readFile(join(this.root, ref.path));
    if (data.length !== ref.bytes || sha256(data) !== ref.sha256) {
      throw new CorruptCheckpointError(`${ref.path}: checksum mismatch (${data.length} bytes, expected ${ref.bytes})`);
    }
    return data;
  }

  /** Loads and verifies one checkpoint or savepoint: a directory holding a manifest, or the manifest itself. */
  static async load(path: string): Promise<{ storage: CheckpointStorage; manifest: Manifest }> {
    const file = basename(path) === MANIFEST ? path : join(path, MANIFEST);
    // State files are referenced relative to the storage root, the parent of the checkpoint dir.
    const storage = new CheckpointStorage(dirname(dirname(resolve(file))));
    return { storage, manifest: await storage.verify(file) };
  }

  /** Parses a manifest and checks it and every file it references. */
  async verify(manifestFile: string): Promise<Manifest> {
    this.verified.clear();
    let text: string;
    try {
      text = await readFile(manifestFile, 'utf8');
    } catch {
      throw new CorruptCheckpointError(`${manifestFile} is missing`);
    }
    let m: Manifest;
    try {
      m = JSON.parse(text) as Manifest;
    } catch (e) {
      throw new CorruptCheckpointError(`${manifestFile} is not valid JSON (truncated?): ${(e as Error).message}`);
    }
    if (m.format !== 1) throw new CorruptCheckpointError(`${manifestFile}: unknown format ${String(m.format)}`);
    if (sha256(JSON.stringify({ ...m, checksum: '' })) !== m.checksum) {
      throw new CorruptCheckpointError(`${manifestFile}: manifest checksum mismatch`);
    }
    for (const op of m.operators) {
      for (const ref of [...(op.local ? [op.local] : []), ...op.keyed]) {
        let size: number;
        try {
          size = (await stat(join(this.root, ref.path))).size;
        } catch {
          throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}') is missing`);
        }
        if (size !== ref.bytes) throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}') has ${size} bytes, expected ${ref.bytes}`);
        if (ref.format === 'lmdb') {
          // Checked as a stream and used in place: the restore copies it, it is never read into memory.
          if ((await hashFile(join(this.root, ref.path))).sha256 !== ref.sha256) throw new CorruptCheckpointError(`${ref.path} (state of '${op.name}'): checksum mismatch`);
          continue;
        }
        this.verified.set(ref.path, await this.readFile(ref));
      }
    }
    return m;
  }

  /** Ids of the checkpoint directories that have a manifest, newest first. */
  async completedIds(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const ids: number[] = [];
    for (const n of names) {
      const m = /^chk-(\d+)$/.exec(n);
      if (m === null) continue;
      try {
        await stat(join(this.root, n, MANIFEST));
        ids.push(Number(m[1]));
      } catch {
        // no manifest: an unfinished checkpoint
      }
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
        return { manifest: await this.verify(join(this.root, dir, MANIFEST)), dir };
      } catch (e) {
        if (!(e instanceof CorruptCheckpointError)) throw e;
        warn(`checkpoint ${dir} in ${this.root} cannot be used: ${e.message}; trying the previous one`);
      }
    }
    return null;
  }

  /** Highest checkpoint id present (complete or not), so new ids never reuse a directory. */
  async highestId(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return 0;
    }
    let max = 0;
    for (const n of names) {
      const m = /^chk-(\d+)$/.exec(n);
      if (m !== null) max = Math.max(max, Number(m[1]));
    }
    return max;
  }

  /**
   * Keeps the newest `keep` complete checkpoints and every file they reference (read from their
   * manifests on disk, so checkpoints of an earlier run of the job count too); removes the rest,
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
        m = JSON.parse(await readFile(join(this.root, checkpointDirName(id), MANIFEST), 'utf8')) as Manifest;
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
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /^chk-(\d+)$/.exec(n);
      if (m === null) continue;
      const id = Number(m[1]);
      if (keepIds.has(id) || id >= newest) continue;
      if (completed.includes(id)) {
        // Retired: drop its manifest first, so a crash half-way leaves an incomplete directory,
        // never a manifest with missing files.
        await rm(join(this.root, n, MANIFEST), { force: true });
      }
      if (!referencedDirs.has(n)) {
        await rm(join(this.root, n), { recursive: true, force: true });
        continue;
      }
      // Still referenced: keep the referenced files (an LMDB copy is a directory) and nothing else.
      for (const f of await readdir(join(this.root, n)).catch(() => [] as string[])) {
        const rel = `${n}/${f}`;
        if ([...referenced].some((r) => r === rel || r.startsWith(`${rel}/`))) continue;
        await rm(join(this.root, rel), { recursive: true, force: true });
      }
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
