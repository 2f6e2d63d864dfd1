import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Remembers which job files passed the type check, keyed by the contents of every file the
 * compiler read for them. A second `eddy run` of an unchanged job then costs a few file reads and
 * hashes instead of a compiler start (about 3 s of CPU for a job that imports Eddy and
 * @types/node). Only passes are remembered; a failing job file is checked again every time.
 *
 * Entries live in the system's temporary folder (one folder per user, like tsx's own cache), so a
 * check never writes into the user's project.
 *
 * @example
 * const cache = new CheckCache();
 * if (!cache.passed(key)) { check(); cache.remember(key, program.getSourceFiles().map((f) => f.fileName)); }
 */
export class CheckCache {
  constructor(private readonly dir = join(tmpdir(), `eddy-${userName()}`, 'check')) {}

  /** Whether `key` passed before and none of the files it read has changed since. */
  passed(key: string): boolean {
    let entry: { readonly files: Readonly<Record<string, string>> };
    try {
      entry = JSON.parse(readFileSync(this.entryPath(key), 'utf8')) as typeof entry;
    } catch {
      return false;
    }
    return Object.entries(entry.files).every(([file, hash]) => hashOf(file) === hash);
  }

  /** Records that `key` passed, having read `files`. A cache that cannot be written is no error. */
  remember(key: string, files: readonly string[]): void {
    const hashes: Record<string, string> = {};
    for (const file of files) {
      const hash = hashOf(file);
      if (hash === null) return; // a file that vanished meanwhile: nothing worth remembering
      hashes[file] = hash;
    }
    try {
      mkdirSync(this.dir, { recursive: true });
      // Written aside and renamed, so a concurrent check never reads half an entry.
      const path = this.entryPath(key);
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify({ files: hashes }));
      renameSync(partial, path);
    } catch {
      // a read-only or full temporary folder only costs the next run a check
    }
  }

  private entryPath(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }
}

function hashOf(file: string): string | null {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('base64');
  } catch {
    return null;
  }
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
