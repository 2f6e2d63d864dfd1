// Runs a code block as a user runs a job file: in a fresh temporary folder whose node_modules has
// `eddy` (this repository, loaded from src/ through the eddy-source condition) and the other
// packages the block imports, with Node and tsx, bounded in time.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BlockFile } from './compile-blocks.ts';

export interface RunResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly timedOut: boolean;
}

const TSX = import.meta.resolve('tsx');

/**
 * Runs `main` with the block files of the same Markdown file beside it (so it can import them).
 * With `sigterm`, sends SIGTERM once the program has printed something on stdout.
 */
export async function runBlock(root: string, main: BlockFile, siblings: readonly BlockFile[], timeoutMs: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-doc-block-'));
  try {
    const base = dirname(main.path);
    for (const f of [main, ...siblings.filter((s) => s.block.fileName !== null && s.path !== main.path)]) {
      const target = join(dir, f.path.slice(base.length + 1));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.text);
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doc-block', private: true, type: 'module' }));
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'eddy'), 'dir');
    for (const pkg of new Set([...bareImports(main.text), ...siblings.flatMap((s) => bareImports(s.text))])) {
      if (pkg === 'eddy') continue;
      mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true });
      symlinkSync(join(root, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
    }
    return await spawnBounded(join(dir, main.path.slice(base.length + 1)), dir, main.block.run === 'sigterm', main.block.get, timeoutMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnBounded(file: string, cwd: string, sigterm: boolean, get: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    // Not the test runner's: a node:test file in the block reports as a program of its own.
    const { NODE_TEST_CONTEXT: _, NODE_OPTIONS: __, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=eddy-source', '--import', TSX, file], {
      cwd, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (sigterm && !signalled) {
        signalled = true;
        void fetchAll(output, get).then((answers) => {
          output += answers;
          child.kill('SIGTERM');
        });
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

/** GETs each path from the port the program printed; a line per answer, `FAILED` for a non-200 one. */
async function fetchAll(printed: string, paths: readonly string[]): Promise<string> {
  if (paths.length === 0) return '';
  const port = /port: (\d+)/.exec(printed)?.[1];
  if (port === undefined) return `FAILED: no 'port: N' in the first output, so nothing to GET\n`;
  let lines = '';
  for (const path of paths) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = await res.text();
      lines += `${res.status === 200 ? 'GET' : 'FAILED: GET'} ${path}: ${res.status}, ${body.length} characters\n`;
    } catch (e) {
      lines += `FAILED: GET ${path}: ${(e as Error).message}\n`;
    }
  }
  return lines;
}

/** Package names of the bare specifiers a file imports (`prom-client`, `@scope/name`), not `node:`. */
function bareImports(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+'([^'.][^']*)'/g)) {
    const spec = m[1]!;
    if (spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    names.push(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return names;
}
