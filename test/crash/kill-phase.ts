import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chkIds, chkName, list, SINKS } from './job-process.ts';

/** Where in the checkpoint cycle a SIGKILL landed, read from what the dead process left on disk. */
export type KillPhase =
  | 'startup (restore, recovery, records before the first checkpoint)'
  | 'processing between checkpoints'
  | 'checkpoint: sink pre-commit (pending files, no state files yet)'
  | 'checkpoint: writing state files (chk dir without manifest)'
  | 'checkpoint: writing the manifest (MANIFEST.json.tmp)'
  | 'checkpoint: manifest durable, sinks not all committed'
  | 'after the job finished';

/** What a killed run left behind. */
export interface KillSite {
  readonly phase: KillPhase;
  readonly detail: string;
}

/**
 * Reads the phase off the disk: pending part files of the dead process whose checkpoint has a
 * manifest mean it died between manifest and commit; a MANIFEST.json.tmp, a new chk dir without
 * manifest, or pending files of a checkpoint without one mean it died during a checkpoint; no
 * output file and no checkpoint of its own mean it died before its first checkpoint.
 *
 * @example
 * classifyKill(ckpt, out, exit.pid, chkIdsBefore);
 */
export function classifyKill(ckpt: string, out: string, pid: number, idsBefore: readonly number[], sinks: readonly string[] = SINKS): KillSite {
  const completed = chkIds(ckpt).filter((id) => existsSync(join(ckpt, chkName(id), 'MANIFEST.json')));
  const newest = completed.length === 0 ? 0 : Math.max(...completed);
  const maxBefore = idsBefore.length === 0 ? 0 : Math.max(...idsBefore);
  const newDirs = chkIds(ckpt).filter((id) => id > maxBefore);
  const pending: { sink: string; id: number }[] = [];
  let inProgress = 0;
  const pendingRe = new RegExp(`^\\.pending-(\\d+)-${pid}-`);
  for (const sink of sinks) {
    for (const n of list(join(out, sink))) {
      const m = pendingRe.exec(n);
      if (m !== null) pending.push({ sink, id: Number(m[1]) });
      if (n.startsWith(`.inprogress-${pid}-`)) inProgress++;
    }
  }
  const uncommitted = pending.filter((p) => p.id <= newest);
  if (uncommitted.length > 0) {
    const sinks = new Set(uncommitted.map((p) => p.sink));
    return { phase: 'checkpoint: manifest durable, sinks not all committed', detail: `${chkName(newest)}: ${sinks.size} sink(s) with unpublished files` };
  }
  const unfinished = newDirs.filter((id) => id > newest);
  const tmp = unfinished.find((id) => existsSync(join(ckpt, chkName(id), 'MANIFEST.json.tmp')));
  if (tmp !== undefined) return { phase: 'checkpoint: writing the manifest (MANIFEST.json.tmp)', detail: chkName(tmp) };
  if (unfinished.length > 0) {
    const id = Math.max(...unfinished);
    return { phase: 'checkpoint: writing state files (chk dir without manifest)', detail: `${chkName(id)}: ${list(join(ckpt, chkName(id))).length} file(s)` };
  }
  const sealing = pending.filter((p) => p.id > newest);
  if (sealing.length > 0) {
    const id = Math.max(...sealing.map((p) => p.id));
    const sinks = new Set(sealing.filter((p) => p.id === id).map((p) => p.sink));
    return { phase: 'checkpoint: sink pre-commit (pending files, no state files yet)', detail: `${chkName(id)}: ${sinks.size} sink(s) with sealed files` };
  }
  if (newDirs.length === 0 && inProgress === 0) {
    return { phase: 'startup (restore, recovery, records before the first checkpoint)', detail: `restorable: ${newest === 0 ? 'none' : chkName(newest)}` };
  }
  return { phase: 'processing between checkpoints', detail: `last ${newest === 0 ? 'none' : chkName(newest)}, ${inProgress} in-progress file(s)` };
}
