import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTables, lookupKey, renderKeyValues, renderTables, stateToJson } from '../../src/checkpoint/inspect.ts';
import { HeapStateBackend } from '../../src/state/heap-state-backend.ts';

test('stateToJson: Maps, Sets, bigints and dates as JSON', () => {
  assert.equal(stateToJson(new Map([['a', 1n]])), '{"a":"1"}');
  assert.equal(stateToJson(new Map([[1, new Set(['x'])]])), '[[1,["x"]]]');
  assert.equal(stateToJson({ at: new Date(0), bytes: new Uint8Array([1, 2]), gone: undefined }), '{"at":"1970-01-01T00:00:00.000Z","bytes":[1,2],"gone":null}', 'undefined is kept visible');
  assert.equal(stateToJson(undefined), 'null');
});

test('lookupKey: the text as a string, and as a number, bigint or boolean when it reads as one', () => {
  const state = new HeapStateBackend();
  state.table<number>('count').put('42', 1);
  state.table<number>('count').put(42, 2);
  state.table<Map<string, number>>('pages').put(7n, new Map([['/a', 3]]));
  state.table<number>('flags').put(true, 1);
  state.table<number>('__schema_versions').put('count', 1);
  assert.deepEqual(lookupKey(state, '42'), [{ table: 'count', key: '42', value: 1 }, { table: 'count', key: 42, value: 2 }]);
  assert.deepEqual(lookupKey(state, '7'), [{ table: 'pages', key: 7n, value: new Map([['/a', 3]]) }]);
  assert.deepEqual(lookupKey(state, 'true'), [{ table: 'flags', key: true, value: 1 }]);
  assert.deepEqual(lookupKey(state, 'count'), [], "Eddy's own tables are not the job's state");
  assert.equal(renderKeyValues('op', '7', lookupKey(state, '7')), 'operator \'op\', key "7":\n  pages  7n = {"/a":3}\n');
  assert.equal(renderKeyValues('op', '8', []), 'operator \'op\' has no state for key "8" (tried it as text and as a number)\n');
});

test('describeTables: sizes and a sample of keys per table', () => {
  const state = new HeapStateBackend();
  for (let i = 0; i < 7; i++) state.table<number>('count').put(`k${i}`, i);
  state.table<number>('__schema_versions').put('count', 1);
  const tables = describeTables(state, 3);
  assert.deepEqual(tables, [
    { name: 'count', keys: 7, sample: ['k0', 'k1', 'k2'], internal: false },
    { name: '__schema_versions', keys: 1, sample: ['count'], internal: true },
  ]);
  assert.equal(renderTables('op', tables), "operator 'op': 2 state tables\n  count  7 keys: \"k0\", \"k1\", \"k2\", ...\n  __schema_versions (Eddy's own)  1 key: \"count\"\n");
});
