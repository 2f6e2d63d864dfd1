#!/usr/bin/env node
// Runs the test suite with Node's built-in runner. Node 20's `--test` does not expand globs, so
// this finds the test files itself: every *.test.ts under the given folders (default: test,
// examples). Extra arguments starting with -- go to node (e.g. --test-name-pattern).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));

function find(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .filter((n) => n !== 'node_modules' && !n.startsWith('.') && n !== 'out')
    .flatMap((n) => find(join(path, n)));
}

const files = (roots.length > 0 ? roots : ['test', 'examples']).flatMap((r) => {
  try {
    return find(r);
  } catch {
    return [];
  }
}).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, [
  '--conditions=eddy-source', '--import', 'tsx', '--expose-gc', '--test', '--test-reporter=spec', ...flags, ...files,
], { stdio: 'inherit' });
process.exit(result.status ?? 1);
