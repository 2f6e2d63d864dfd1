import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningGraph } from '../runtime/running-graph.ts';
import type { RunCheckpoints } from '../runtime/job-loop.ts';
import type { ResolvedCheckpointConfig } from './checkpoint-config.ts';
import { CheckpointCoordinator } from './checkpoint-coordinator.ts';
import { checkpointDirName, CheckpointStorage, CorruptCheckpointError } from './checkpoint-storage.ts';
import { storeAt } from './checkpoint-location.ts';
import { loadCheckpoint } from './open-checkpoint.ts';
import type { RestoreRequest } from './restore-request.ts';
import { restoreGraph } from './restore.ts';
import { SourcePositionLog } from './source-position-log.ts';
import { stateId } from './operator-id.ts';

/**
 * Prepares checkpointing for one run: finds what to restore (newest valid checkpoint, a given
 * path, or nothing), and a coordinator whose ids continue after every existing checkpoint.
 *
 * @example
 * new JobLoop(graph, () => setupCheckpoints(graph, config, { from: 'latest' }, log));
 */
export async function setupCheckpoints(rt: RunningGraph, config: ResolvedCheckpointConfig, request: RestoreRequest, log: (line: string) => void): Promise<RunCheckpoints & { readonly hook: CheckpointCoordinator }> {
  const store = storeAt(config.dir, config);
  const storage = new CheckpointStorage(store);
  if (request.from === 'fresh') await store.clear();
  // An object store's LMDB copies left on this machine by an earlier run (downloaded for its restore,
  // or staged for a checkpoint that failed before its upload): this run starts without them.
  if (store.localDir !== store.location) {
    for (const d of ['download', 'upload']) await rm(join(store.localDir, d), { recursive: true, force: true });
  }
  let restore: RunCheckpoints['restore'] = null;
  if (request.from === 'latest') {
    const latest = await storage.latestValid(log);
    const newest = (await storage.completedIds())[0];
    if (latest !== null) {
      // An older checkpoint restores exact state, but sinks committed output after it: the replay
      // writes that output again (at-least-once for that stretch). Better than no restore at all.
      const skipped = newest !== undefined && latest.dir !== checkpointDirName(newest);
      log(`restoring job '${rt.jobName}' from checkpoint ${latest.dir} in ${storage.location}` + (skipped
        ? `, not the newest (${checkpointDirName(newest)}, which cannot be used): output that sinks committed after ${latest.dir} is written again as the job catches up`
        : ''));
      restore = () => restoreGraph(rt, storage, latest.manifest);
    } else if (newest !== undefined) {
      // Starting from scratch would repeat everything they committed: the user decides.
      throw new CorruptCheckpointError(
        `job '${rt.jobName}' does not start: none of its checkpoints in ${storage.location} can be used (the reasons are logged above), and starting ` +
          "from scratch would write again all the output they committed. Restore a savepoint (restore: { from: 'path', path }), " +
          "or start over with restore: { from: 'fresh' }, which deletes them",
      );
    }
  } else if (request.from === 'path') {
    const { storage: from, manifest } = await loadCheckpoint(request.path, config);
    log(`restoring job '${rt.jobName}' from ${manifest.kind} ${request.path}`);
    restore = () => restoreGraph(rt, from, manifest, { allowNonRestoredState: request.allowNonRestoredState });
  }
  let positionLog: SourcePositionLog | null = null;
  if (config.guarantee === 'at-most-once') {
    // Sources resume where they were, not where the checkpoint was: nothing is handed on twice.
    const positions = new SourcePositionLog(rt, store.localDir);
    const fromCheckpoint = restore;
    restore = async () => {
      const tokens = (await fromCheckpoint?.()) ?? new Map<number, unknown>();
      if (request.from !== 'path' && positions.apply()) log(`at-most-once: sources of '${rt.jobName}' resume after the last batch handed on`);
      return tokens;
    };
    await mkdir(store.localDir, { recursive: true });
    positionLog = positions;
  }
  if (config.guarantee === 'exactly-once') {
    for (const w of rt.writers) {
      const node = rt.plan.nodes[w.node.id];
      if (w.writer.preCommit === undefined && node.kind === 'sink' && node.sink.idempotent !== true) {
        log(`sink '${stateId(node)}' (${node.sink.describe()}) has no two-phase commit and does not declare itself idempotent: after a restart its output may repeat records (at-least-once)`);
      }
    }
  }
  const coordinator = new CheckpointCoordinator(rt, config, storage, log, await storage.highestId());
  const restoring = restore;
  if (restoring !== null) {
    restore = async () => {
      const started = rt.clock.now();
      const tokens = await restoring();
      coordinator.restored(rt.clock.now() - started);
      return tokens;
    };
  }
  return { hook: coordinator, restore, positionLog };
}
