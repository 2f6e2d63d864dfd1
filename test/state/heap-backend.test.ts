import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapStateBackend } from 'eddy';
import { HeapTable } from '../../src/state/heap-store.ts';
import { MeteredTable } from '../../src/state/metered-table.ts';
import { TrackedTable } from '../../src/state/tracked-table.ts';
import { backendConformance } from './backend-conformance.ts';

backendConformance('heap', () => new HeapStateBackend());

test('heap: a table is metered(change-tracked(the Map)), with no cache between', () => {
  const t = new HeapStateBackend().table<number>('t');
  assert.ok(t instanceof MeteredTable);
  assert.ok(t.inner instanceof TrackedTable);
  assert.ok(t.inner.inner instanceof HeapTable);
});
