import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chkIds, chkName } from './job-process.ts';

interface FileRef {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /** 'lmdb': an LMDB copy, whose checksum is the sha256 of its 4 MiB chunks' sha256 digests. */
  readonly format?: 'lmdb';
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest();

/** The checksum a manifest records for a file of the given format (written independently of src/ on purpose). */
function checksum(data: Buffer, format: FileRef['format']): string {
  if (format !== 'lmdb') return sha(data).toString('hex');
  const chunk = 4 << 20;
  const digests: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunk) digests.push(sha(data.subarray(at, at + chunk)));
  return sha(Buffer.concat(digests)).toString('hex');
}

interface ManifestFiles {
  readonly operators: readonly { readonly local: FileRef | null; readonly keyed: readonly FileRef[] }[];
}

/** A complete checkpoint (it has a MANIFEST.json) and what is wrong with it, if anything. */
export interface CheckpointCheck {
  readonly id: number;
  /** Referenced state files that are missing, or whose size or sha256 differs from the manifest. */
  readonly bad: readonly string[];
}

/**
 * Checks every complete checkpoint in a checkpoint directory, newest first, the way a restore
 * would: every state file its manifest references must be there, with its size and sha256.
 *
 * @example
 * const [newest] = checkCheckpoints(ckpt); assert.deepEqual(newest.bad, []);
 */
export function checkCheckpoints(ckpt: string): CheckpointCheck[] {
  return chkIds(ckpt).sort((a, b) => b - a).flatMap((id) => {
    const file = join(ckpt, chkName(id), 'MANIFEST.json');
    let manifest: ManifestFiles;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as ManifestFiles;
    } catch {
      // no manifest (or it vanished while we looked): not a complete checkpoint
      return existsSync(file) ? [{ id, bad: ['MANIFEST.json (unreadable)'] }] : [];
    }
    const refs = manifest.operators.flatMap((o) => [...(o.local === null ? [] : [o.local]), ...o.keyed]);
    const bad = refs.filter((r) => {
      let data: Buffer;
      try {
        data = readFileSync(join(ckpt, r.path));
      } catch {
        return true;
      }
      return data.length !== r.bytes || checksum(data, r.format) !== r.sha256;
    }).map((r) => r.path);
    return [{ id, bad }];
  });
}
