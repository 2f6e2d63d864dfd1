// The rooms of src/ are stacked in layers (docs/architecture.md): a room imports only rooms below
// it. This test reads every import statement of src/ and fails on an arrow that points up (or
// sideways, between two rooms of one layer), and on a room the layers do not name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error a plain ES module script without declarations
import { importEdges, layerOf, LAYERS } from '../../scripts/import-graph.mjs';

interface Edge { from: string; to: string; file: string; spec: string }

/** Arrows that point up today, each with why it is still there. Empty is the goal (and reached). */
const EXCEPTIONS: Record<string, string> = {};

test('every room of src/ is on a layer', () => {
  const rooms = new Set((importEdges() as Edge[]).flatMap((e) => [e.from, e.to]));
  const unnamed = [...rooms].filter((r) => layerOf(r) === -1);
  assert.deepEqual(unnamed, [], `rooms missing from LAYERS in scripts/import-graph.mjs: ${unnamed.join(', ')}`);
  assert.ok((LAYERS as string[][]).length > 5);
});

test('imports point down the layers', () => {
  const up = (importEdges() as Edge[])
    .filter((e) => layerOf(e.to) <= layerOf(e.from) && EXCEPTIONS[`${e.from} -> ${e.to}`] === undefined)
    .map((e) => `${e.from} -> ${e.to}: src/${e.file} imports ${e.spec}`);
  assert.deepEqual(up, [], `imports that point up the layers:\n${up.join('\n')}`);
});

test('every listed exception is still needed', () => {
  const edges = new Set((importEdges() as Edge[]).map((e) => `${e.from} -> ${e.to}`));
  const stale = Object.keys(EXCEPTIONS).filter((k) => !edges.has(k));
  assert.deepEqual(stale, [], 'exceptions no import needs any more: remove them from the list');
});
