#!/usr/bin/env node
// The folder-level import graph of src/: for every pair of rooms (top-level folders of src/), how
// many import statements lead from one to the other, and whether the arrow points down the layers
// that docs/architecture.md draws. `node scripts/import-graph.mjs` prints it; the architecture
// test (test/architecture/layers.test.ts) fails on any arrow that points up.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The rooms from the top floor down; a room may import only rooms below it. */
export const LAYERS = [
  ['index.ts', 'cli', 'testing'],
  ['sql'],
  ['api'],
  ['cluster'],
  ['job'],
  ['ui'],
  ['checkpoint'],
  ['runtime'],
  ['cep'],
  ['plan'],
  ['connectors'],
  ['metrics'],
  ['state'],
  ['window', 'time'],
  ['functions'],
];

const here = dirname(fileURLToPath(import.meta.url));

/** Every import of a file of another room, as { from, to, file, spec }. */
export function importEdges(srcDir = resolve(here, '..', 'src')) {
  const files = [];
  (function walk(d) {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  })(srcDir);
  const room = (f) => {
    const parts = relative(srcDir, f).split('/');
    return parts.length === 1 ? parts[0] : parts[0];
  };
  const edges = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
      const from = room(f);
      const to = room(resolve(dirname(f), m[1]));
      if (from !== to) edges.push({ from, to, file: relative(srcDir, f), spec: m[1] });
    }
  }
  return edges;
}

/** The layer index of a room (0 = top); -1 for a room the layers do not name. */
export function layerOf(room) {
  return LAYERS.findIndex((rooms) => rooms.includes(room));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = new Map();
  for (const e of importEdges()) {
    const k = `${e.from} -> ${e.to}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const rows = [...counts].sort(([a], [b]) => {
    const [fa, ta] = a.split(' -> ');
    const [fb, tb] = b.split(' -> ');
    return layerOf(fa) - layerOf(fb) || fa.localeCompare(fb) || layerOf(ta) - layerOf(tb) || ta.localeCompare(tb);
  });
  for (const [k, n] of rows) {
    const [from, to] = k.split(' -> ');
    const down = layerOf(to) > layerOf(from);
    console.log(`${k.padEnd(28)} ${String(n).padStart(3)}${down ? '' : '   UP'}`);
  }
}
