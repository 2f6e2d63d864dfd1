import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { CheckpointRecord } from '../../src/metrics/checkpoint-record.ts';
import { JobUnreachableError, sendControlRequest } from '../../src/job/control-client.ts';
import { ControlSocket, type ControlTarget, controlSocketPath, socketAddress } from '../../src/job/control-socket.ts';
import type { JobMetricsSnapshot } from '../../src/metrics/operator-metrics.ts';
import { tempDir } from './run-eddy.ts';

const [root, cleanup] = tempDir();
after(cleanup);
let dirs = 0;
const freshDir = () => join(root, `ckpt-${dirs++}`);

/** A job that answers savepoints with their path; stop-with-savepoint never completes. */
function fakeJob(): ControlTarget & { stops: string[] } {
  const metrics: JobMetricsSnapshot = {
    job: 'fake', startedAt: 0, now: 1_000, recordsIn: 3, recordsOut: 2, lateDropped: 0, lateToSideOutput: 0, deadLetters: 0,
    watermark: Number.NEGATIVE_INFINITY, operators: [],
  };
  const records: CheckpointRecord[] = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, status: 'completed', startedAt: i, durationMs: 1, syncMs: 0, bytes: 10 }));
  const stops: string[] = [];
  return {
    name: 'fake', stops, metrics: () => metrics, checkpoints: () => records,
    savepoint: async (path) => path,
    stopWithSavepoint: (path) => {
      stops.push(path);
      return new Promise(() => {});
    },
  };
}

/** Sends raw text and returns the first line of the answer. */
function rawRequest(dir: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(controlSocketPath(dir));
    let got = '';
    socket.setEncoding('utf8').on('data', (s: string) => (got += s));
    socket.on('connect', () => socket.write(text));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

test('status: the job, its metrics with infinities as null, its last 10 checkpoints', async () => {
  const dir = freshDir();
  const control = new ControlSocket(dir, fakeJob(), (l) => assert.fail(l));
  await control.listen();
  try {
    assert.equal(statSync(control.path).mode & 0o777, 0o600, 'only the owner can reach the job');
    const answer = await sendControlRequest(dir, { cmd: 'status' });
    assert.ok(answer.ok && 'metrics' in answer);
    assert.equal(answer.job, 'fake');
    assert.equal(answer.metrics.watermark, null);
    assert.equal(answer.metrics.recordsIn, 3);
    assert.deepEqual(answer.checkpoints.map((c) => c.id), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  } finally {
    await control.close();
  }
  assert.equal(existsSync(control.path), false, 'close removes the socket file');
});

test('savepoint: answers with the absolute path; refuses a path that holds a savepoint; bad requests', async () => {
  const dir = freshDir();
  const control = new ControlSocket(dir, fakeJob(), () => {});
  await control.listen();
  try {
    const target = join(root, 'sp');
    assert.deepEqual(await sendControlRequest(dir, { cmd: 'savepoint', path: target }), { ok: true, path: target });
    mkdirSync(target);
    writeFileSync(join(target, 'MANIFEST.json'), '{}');
    assert.deepEqual(await sendControlRequest(dir, { cmd: 'savepoint', path: target }), { ok: false, error: `${target} already holds a savepoint; choose another path` });
    assert.deepEqual(JSON.parse(await rawRequest(dir, 'hello\n')), { ok: false, error: 'not a JSON request: hello' });
    assert.deepEqual(JSON.parse(await rawRequest(dir, '{"cmd":"restart"}\n')), { ok: false, error: 'unknown command "restart"; expected \'savepoint\', \'stop-with-savepoint\' or \'status\'' });
    assert.deepEqual(JSON.parse(await rawRequest(dir, '{"cmd":"savepoint"}\n')), { ok: false, error: 'savepoint needs a path' });
  } finally {
    await control.close();
  }
});

test('close answers a request still waiting, and the job is unreachable afterwards', async () => {
  const dir = freshDir();
  const job = fakeJob();
  const control = new ControlSocket(dir, job, () => {});
  await control.listen();
  const waiting = sendControlRequest(dir, { cmd: 'stop-with-savepoint', path: join(root, 'never') });
  while (job.stops.length === 0) await new Promise((r) => setTimeout(r, 5));
  await control.close();
  assert.deepEqual(await waiting, { ok: false, error: "job 'fake' ended before the request was done" });
  await assert.rejects(sendControlRequest(dir, { cmd: 'status' }), (e: Error) => e instanceof JobUnreachableError && /it has no control socket/.test(e.message));
});

test('a socket file left by a killed job: clients are told so, and the next job replaces it', async () => {
  const dir = freshDir();
  mkdirSync(dir);
  const path = controlSocketPath(dir);
  const killed = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.equal(killed.signal, 'SIGKILL');
  assert.ok(existsSync(path));
  await assert.rejects(sendControlRequest(dir, { cmd: 'status' }), /was left by a job that stopped without removing it/);
  const control = new ControlSocket(dir, fakeJob(), (l) => assert.fail(l));
  await control.listen();
  try {
    assert.equal((await sendControlRequest(dir, { cmd: 'status' })).ok, true);
  } finally {
    await control.close();
  }
});

test('a second job on the same directory leaves the first one\'s socket alone, with a warning', async () => {
  const dir = freshDir();
  const first = new ControlSocket(dir, fakeJob(), () => {});
  await first.listen();
  const warnings: string[] = [];
  const second = new ControlSocket(dir, { ...fakeJob(), name: 'second' }, (l) => warnings.push(l));
  await second.listen();
  try {
    assert.match(warnings.join('\n'), /^job 'second': no control socket at .*control\.sock \(eddy savepoint cannot reach this job\): another process is listening there/);
    await second.close();
    const answer = await sendControlRequest(dir, { cmd: 'status' });
    assert.ok(answer.ok && 'job' in answer && answer.job === 'fake');
  } finally {
    await first.close();
  }
});

test('socket paths over the Unix limit: relative to the working directory when that fits, else none', () => {
  const long = join(process.cwd(), 'x'.repeat(92), 'control.sock'); // 105 bytes relative, more absolute
  assert.equal(socketAddress(long), join('x'.repeat(92), 'control.sock'));
  assert.equal(socketAddress(join('/', 'y'.repeat(200), 'control.sock')), null);
  assert.equal(socketAddress('/tmp/c/control.sock'), '/tmp/c/control.sock');
});
