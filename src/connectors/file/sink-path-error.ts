import { resolve } from 'node:path';

/**
 * What a file sink says when its path holds the wrong kind of thing: with exactly-once
 * checkpoints a file sink's path is a directory of part files, without them a single file, and
 * switching between the two leaves the other kind behind. Errors of any other kind come back as
 * they were.
 *
 * @example
 * await mkdir(dir, { recursive: true }).catch((e) => { throw sinkPathError(e, 'counts', dir, 'directory'); });
 */
export function sinkPathError(error: unknown, sink: string, path: string, wants: 'directory' | 'file'): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = resolve(path);
  if (wants === 'directory' && (code === 'EEXIST' || code === 'ENOTDIR')) {
    return new Error(
      `sink '${sink}': ${code === 'EEXIST' ? `${where} is a file` : `a folder on the way to ${where} is a file`}, but with exactly-once `
        + 'checkpoints a file sink writes a directory of part files at its path (part-<checkpoint>-<n>, each published when its '
        + 'checkpoint completes), so it cannot create that directory. Move or delete the file (the output of a run without '
        + 'checkpoints?), or give the sink a path of its own.',
      { cause: error },
    );
  }
  if (wants === 'file' && code === 'EISDIR') {
    return new Error(
      `sink '${sink}': ${where} is a directory (the part files of a run with exactly-once checkpoints?), but without exactly-once `
        + 'checkpoints a file sink writes one file at its path. Move or delete the directory, or give the sink another path.',
      { cause: error },
    );
  }
  return error;
}
