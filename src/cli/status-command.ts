import { localDirOf } from '../checkpoint/checkpoint-location.ts';
import { JobUnreachableError, sendControlRequest } from '../job/control-client.ts';
import type { ControlResponse } from '../job/control-socket.ts';
import { formatTime } from '../time/clock.ts';
import { formatCount, formatDuration } from './format.ts';

/** How long `eddy status` waits for a job that accepted the connection. */
const STATUS_TIMEOUT_MS = 10_000;

/**
 * `eddy status <checkpoint-dir>`: asks the job running with that checkpoint directory for its
 * metrics and last checkpoints and prints them. Returns the exit code: 0, or 1 when no job runs there.
 *
 * @example
 * process.exitCode = await statusCommand({ dir: '.eddy/checkpoints/clicks' });
 */
export async function statusCommand(options: { readonly dir: string }): Promise<number> {
  let answer: ControlResponse;
  try {
    // A job checkpointing to an object store listens in its local directory on this machine.
    answer = await sendControlRequest(localDirOf(options.dir), { cmd: 'status' }, STATUS_TIMEOUT_MS);
  } catch (e) {
    if (!(e instanceof JobUnreachableError)) throw e;
    process.stderr.write(`eddy status: ${e.message}\n`);
    return 1;
  }
  if (!answer.ok || !('metrics' in answer)) {
    process.stderr.write(`eddy status: unexpected answer from the job: ${JSON.stringify(answer)}\n`);
    return 1;
  }
  process.stdout.write(renderStatus(answer));
  return 0;
}

/**
 * The text of `eddy status`: the job's counters, then its last checkpoints, oldest first.
 *
 * @example
 * renderStatus(answer);
 * // "job 'clicks' running for 12.0 s: 24,000 records in, 400 out, watermark 2024-05-01T12:00:00.000Z, 0 late, 0 dead letters\n..."
 */
export function renderStatus(answer: Extract<ControlResponse, { metrics: unknown }>): string {
  const m = answer.metrics;
  const lines = [
    `job '${answer.job}' running for ${formatDuration(m.now - m.startedAt)}: ${formatCount(m.recordsIn)} records in, ${formatCount(m.recordsOut)} out, `
      + `watermark ${m.watermark === null ? 'none' : formatTime(m.watermark)}, ${formatCount(m.lateDropped + m.lateToSideOutput)} late, ${formatCount(m.deadLetters)} dead letters`,
    answer.checkpoints.length === 0 ? 'no checkpoint yet' : `last ${answer.checkpoints.length} checkpoint${answer.checkpoints.length === 1 ? '' : 's'}:`,
  ];
  for (const c of answer.checkpoints) {
    const outcome = c.status === 'completed' ? `completed in ${formatDuration(c.durationMs)} (paused ${formatDuration(c.syncMs)}), ${formatCount(c.bytes)} bytes` : `failed after ${formatDuration(c.durationMs)}: ${c.error ?? 'unknown error'}`;
    lines.push(`  ${c.id}  ${formatTime(c.startedAt)}  ${outcome}`);
  }
  return `${lines.join('\n')}\n`;
}
