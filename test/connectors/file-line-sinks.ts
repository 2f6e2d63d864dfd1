// Reading back what the file sinks published: a file (plain writes) or the visible part files of
// a directory (exactly-once), never the hidden in-progress and pending files.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The lines readers of `path` see; with a header, the first line of each file is skipped. */
export function publishedLines(path: string, header: boolean): string[] {
  if (!existsSync(path)) return [];
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => !f.startsWith('.')).sort().map((f) => join(path, f))
    : [path];
  return files.flatMap((f) => {
    const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l !== '');
    return header ? lines.slice(1) : lines;
  });
}
