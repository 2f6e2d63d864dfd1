import { rm } from 'node:fs/promises';
import type { JobRuntime } from '../runtime/job-runtime.ts';
import type { RunCheckpoints } from '../runtime/job-runner.ts';
import type { ResolvedCheckpointConfig } from './checkpoint-config.ts';
import { CheckpointCoordinator } from './checkpoint-coordinator.ts';
import { CheckpointStorage } from './checkpoint-storage.ts';
import type { RestoreRequest } from './restore-request.ts';
import { restoreRuntime } from './restore.ts';

/**
 * Prepares checkpointing for one run: finds what to restore (newest valid checkpoint, a given
 * path, or nothing), and a coordinator whose ids continue after every existing checkpoint.
 *
 * @example
 * new JobRunner(runtime, () => setupCheckpoints(runtime, config, { from: 'latest' }, log));
 */
export async function setupCheckpoints(rt: JobRuntime, config: ResolvedCheckpointConfig, request: RestoreRequest, log: (line: string) => void): Promise<RunCheckpoints> {
  const storage = new CheckpointStorage(config.dir);
  if (request.from === 'fresh') await rm(storage.root, { recursive: true, force: true });
  let restore: RunCheckpoints['restore'] = null;
  if (request.from === 'latest') {
    const latest = await storage.latestValid(log);
    if (latest !== null) {
      log(`restoring job '${rt.jobName}' from checkpoint ${latest.dir} in ${storage.root}`);
      restore = () => restoreRuntime(rt, storage, latest.manifest);
    }
  } else if (request.from === 'path') {
    const { storage: from, manifest } = await CheckpointStorage.load(request.path);
    log(`restoring job '${rt.jobName}' from ${manifest.kind} ${request.path}`);
    restore = () => restoreRuntime(rt, from, manifest, { allowNonRestoredState: request.allowNonRestoredState });
  }
  const coordinator = new CheckpointCoordinator(rt, config, storage, log, await storage.highestId());
  return { coordinator, restore };
}
