import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { type ControlRequest, type ControlResponse, controlSocketPath, socketAddress } from './control-socket.ts';
import { systemClock } from '../time/clock.ts';

/**
 * The job could not be reached: nothing runs with that checkpoint directory, or the connection
 * broke before an answer. The message says which, and what to check.
 *
 * @example
 * try { await sendControlRequest(dir, { cmd: 'status' }); } catch (e) { if (e instanceof JobUnreachableError) console.error(e.message); }
 */
export class JobUnreachableError extends Error {
  override readonly name = 'JobUnreachableError';
}

/**
 * Sends one request to the job running with checkpoints in `checkpointDir` over its control
 * socket and resolves with its answer (which may be `ok: false`). Rejects with a
 * JobUnreachableError when no job listens there or it went away before answering. A savepoint
 * takes as long as it takes; `timeoutMs` bounds the wait when given.
 *
 * @example
 * const answer = await sendControlRequest('.eddy/checkpoints/clicks', { cmd: 'savepoint', path: '/data/sp-1' });
 * if (answer.ok && 'path' in answer) console.log(answer.path);
 */
export async function sendControlRequest(checkpointDir: string, request: ControlRequest, timeoutMs?: number): Promise<ControlResponse> {
  const dir = resolve(checkpointDir);
  const path = controlSocketPath(dir);
  const address = socketAddress(path);
  if (address === null) throw new JobUnreachableError(`${path} is too long for a Unix socket; run the command from a directory closer to it`);
  const dirStat = await stat(dir).catch(() => null);
  if (dirStat === null || !dirStat.isDirectory()) throw new JobUnreachableError(`no checkpoint directory at ${dir}`);
  return new Promise((done, fail) => {
    const socket = connect(address);
    let received = '';
    let settled = false;
    const answered = new AbortController();
    if (timeoutMs !== undefined) {
      void systemClock.sleep(timeoutMs, answered.signal).then(() => finish(new JobUnreachableError(`the job at ${path} did not answer within ${timeoutMs} ms`)));
    }
    const finish = (outcome: ControlResponse | Error) => {
      if (settled) return;
      settled = true;
      answered.abort();
      socket.destroy();
      if (outcome instanceof Error) fail(outcome);
      else done(outcome);
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end < 0) return;
      try {
        finish(JSON.parse(received.slice(0, end)) as ControlResponse);
      } catch {
        finish(new JobUnreachableError(`${path} answered something that is not JSON: ${received.slice(0, 80)}`));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(new JobUnreachableError(unreachable(dir, path, e))));
    socket.on('close', () => finish(new JobUnreachableError(`the job at ${path} closed the connection without answering (did it stop?)`)));
  });
}

function unreachable(dir: string, path: string, e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return `no job is running with checkpoints in ${dir}: it has no control socket (${path}); start the job first, or check the directory`;
    case 'ECONNREFUSED':
      return `no job is running with checkpoints in ${dir}: ${path} was left by a job that stopped without removing it`;
    case 'EACCES':
      return `cannot reach the job at ${path}: permission denied (it belongs to another user)`;
    default:
      return `cannot reach the job at ${path}: ${e.message}`;
  }
}
