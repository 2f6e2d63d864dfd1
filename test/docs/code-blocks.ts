// Finds the TypeScript code blocks of the README and docs/ and what the HTML comments right before
// each say about it. The comments are invisible on GitHub and tell the doc test how to treat a block:
//
//   <!-- prelude                 hidden code put before the block when it is compiled (and run):
//   import { ... } from 'eddy';  the declarations a fragment needs, e.g. `declare const clicks:
//   -->                          DataStream<Click>;`, or files a runnable job reads
//   <!-- postlude                hidden code put after it: assertions that check what the block's
//   assert.deepEqual(...);       comments claim (`out.values; // [...]`), when it is run
//   -->
//   <!-- run -->                 the block is a whole job on embedded defaults: run it, it must end
//   <!-- run: sigterm -->        ... a service: send it SIGTERM once it prints, it must end with 0
//   <!-- run: sigterm, get /health /metrics -->  ... first GET these from the port it printed
//                                (`port: N`): each must answer 200
//   <!-- not-compiled: reason --> skip it (the reason is required and listed in the test output)
//
// A block whose first line is a comment naming a file (`// pipeline.ts`) is that file: other blocks
// of the same Markdown file can import it (`./pipeline.ts`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  readonly doc: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  readonly line: number;
  readonly code: string;
  readonly prelude: string;
  readonly postlude: string;
  /** The file name the block's first-line comment gives it, else null. */
  readonly fileName: string | null;
  readonly run: 'no' | 'ends' | 'sigterm';
  /** With run 'sigterm': paths to GET (each must answer 200) before the signal. */
  readonly get: readonly string[];
  /** null: compiled; a string: skipped, with this reason ('' when the comment gave none). */
  readonly skip: string | null;
  /** Directives that were not understood (a typo must not silently turn a check off). */
  readonly unknown: readonly string[];
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const FILE_COMMENT = /^\/\/ ([\w./-]+\.m?ts)\s*$/;
const DIRECTIVES = ['prelude', 'postlude', 'run', 'not-compiled'];

/** README.md and every Markdown file under docs/, relative to `root`. */
export function docFiles(root: string): string[] {
  const walk = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return walk(path);
    return e.name.endsWith('.md') ? [path] : [];
  });
  return ['README.md', ...walk('docs').sort()];
}

/** The ```ts and ```typescript blocks of one Markdown text, with their directives. */
export function extractBlocks(doc: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    if (open[2] === 'ts' || open[2] === 'typescript') {
      const body = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)));
      blocks.push(block(doc, i + 2, body, commentsBefore(lines, i)));
    }
    i = end;
  }
  return blocks;
}

function block(doc: string, line: number, body: string[], comments: string[]): CodeBlock {
  let prelude = '';
  let postlude = '';
  let run: CodeBlock['run'] = 'no';
  let get: string[] = [];
  let skip: string | null = null;
  const unknown: string[] = [];
  for (const c of comments) {
    const word = /^[\w-]+/.exec(c)?.[0] ?? '';
    if (!DIRECTIVES.includes(word)) {
      if (/^(doc|prelude|run|not|skip|fragment|compile)/i.test(c)) unknown.push(c);
      continue;
    }
    const rest = c.slice(word.length).replace(/^:/, '').trim();
    const code = `${c.slice(word.length).replace(/^\s*\n/, '')}\n`;
    if (word === 'prelude') prelude += code;
    else if (word === 'postlude') postlude += code;
    else if (word === 'not-compiled') skip = rest;
    else if (rest === '') run = 'ends';
    else if (/^sigterm(, get( \/\S*)+)?$/.test(rest)) {
      run = 'sigterm';
      get = rest.split(' ').filter((w) => w.startsWith('/'));
    }
    else unknown.push(c);
  }
  const file = FILE_COMMENT.exec(body[0] ?? '');
  return { doc, line, code: body.join('\n'), prelude, postlude, fileName: file?.[1] ?? null, run, get, skip, unknown };
}

/** The HTML comments right before line `fence`, nearest last; blank lines may separate them. */
function commentsBefore(lines: readonly string[], fence: number): string[] {
  const found: string[] = [];
  let i = fence - 1;
  for (;;) {
    while (i >= 0 && lines[i]!.trim() === '') i--;
    if (i < 0 || !lines[i]!.trim().endsWith('-->')) break;
    let start = i;
    while (start >= 0 && !lines[start]!.includes('<!--')) start--;
    if (start < 0) break;
    const text = lines.slice(start, i + 1).join('\n');
    found.unshift(text.slice(text.indexOf('<!--') + 4, text.lastIndexOf('-->')).replace(/^[ \t]+/, '').trimEnd());
    i = start - 1;
  }
  return found;
}

/** Every block of the README and docs/. */
export function allBlocks(root: string): CodeBlock[] {
  return docFiles(root).flatMap((f) => extractBlocks(relative(root, join(root, f)), readFileSync(join(root, f), 'utf8')));
}
