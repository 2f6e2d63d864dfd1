import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CheckpointStore } from './checkpoint-store.ts';

/**
 * Checkpoint files in a local directory (or one every instance mounts). Each file is fsynced; an
 * atomic write goes to a temporary name, is fsynced and renamed into place, and the directory is
 * fsynced, so a crash leaves the old file or the new one.
 *
 * @example
 * const store = new DirectoryStore('.eddy/checkpoints/clicks');
 */
export class DirectoryStore implements CheckpointStore {
  readonly location: string;
  readonly localDir: string;

  constructor(root: string) {
    this.location = resolve(root);
    this.localDir = this.location;
  }

  async entries(): Promise<string[]> {
    return readdir(this.location).catch(() => []);
  }

  async filesUnder(dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(join(this.location, d), { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await walk(`${d}/${e.name}`);
        else if (e.isFile()) out.push(`${d}/${e.name}`);
      }
    };
    await walk(dir);
    return out;
  }

  async size(path: string): Promise<number | null> {
    return stat(join(this.location, path)).then((s) => s.size, () => null);
  }

  async read(path: string): Promise<Buffer | null> {
    return readFile(join(this.location, path)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
  }

  async write(path: string, data: Buffer | string, atomic: boolean): Promise<void> {
    const file = join(this.location, path);
    const dir = dirname(file);
    await mkdir(dir, { recursive: true });
    const target = atomic ? `${file}.tmp` : file;
    const fh = await open(target, 'w');
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    if (!atomic) return;
    await rename(target, file);
    await syncDir(dir);
  }

  async remove(path: string): Promise<void> {
    await rm(join(this.location, path), { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await rm(this.location, { recursive: true, force: true });
  }

  stagingPath(path: string): string {
    return join(this.location, path);
  }

  async putStaged(): Promise<void> {
    // Written in place.
  }

  async localFile(path: string): Promise<{ file: string; downloaded: boolean }> {
    return { file: join(this.location, path), downloaded: false };
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
