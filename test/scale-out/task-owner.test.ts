import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sink, SinkWriter } from 'eddy';
import { guardSinks, TaskOwner } from '../../src/cluster/task-owner.ts';

test('task ownership: the newest claim wins; a guarded sink of the previous owner refuses to pre-commit (no checkpoint from a zombie)', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'eddy-owner-')), 'counts', 'in-3');
  const zombie = new TaskOwner(dir);
  const next = new TaskOwner(dir);
  assert.equal(await zombie.owned(), false);
  await zombie.claim();
  assert.ok(await zombie.owned());
  let preCommits = 0;
  const writer: SinkWriter<unknown> = {
    open: async () => {}, write: () => {}, backlog: 0, capacity: 1, flush: async () => {}, close: async () => {},
    preCommit: async (id) => { preCommits++; return id; },
  };
  const sink: Sink<unknown> = { kind: 'test', describe: () => 'test', createWriter: () => writer };
  const plan = guardSinks({ nodes: [Object.freeze({ kind: 'sink', id: 0, name: 'out', uid: null, inputs: [], sink })] }, zombie);
  const node = plan.nodes[0];
  const w = node.kind === 'sink' ? node.sink.createWriter({ operatorName: 'out', guarantee: 'exactly-once' }) : writer;
  assert.equal(await w.preCommit!(1), 1);
  await next.claim(); // the group gave the partition to another instance
  assert.equal(await zombie.owned(), false);
  assert.ok(await next.owned());
  await assert.rejects(zombie.check(), /now belongs to another instance/);
  await assert.rejects(async () => w.preCommit!(2), /now belongs to another instance/);
  assert.equal(preCommits, 1);
});
