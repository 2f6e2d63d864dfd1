// Type-checks code blocks as a user's files, in one TypeScript program: each block (after its
// prelude) is a module of its own in a folder per Markdown file, next to the repository's
// package.json, so `from 'eddy'` and `from 'eddy/testing'` resolve as the package's own name (to
// src/ through the eddy-source condition) and other packages from its node_modules.
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './code-blocks.ts';

/** What `tsc --init` turns on (TypeScript 5.9), with the `.ts` imports Node's type stripping needs. */
export const USER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['eddy-source'], lib: ['lib.es2023.d.ts'], types: ['node'],
  strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true, isolatedModules: true, noUncheckedSideEffectImports: true,
  moduleDetection: ts.ModuleDetectionKind.Force, skipLibCheck: true,
  allowImportingTsExtensions: true, noEmit: true,
};

export interface BlockFile {
  readonly block: CodeBlock;
  /** Absolute path of the virtual file. */
  readonly path: string;
  readonly text: string;
  /** Lines the prelude adds before the block's first line. */
  readonly offset: number;
}

let anonymous = 0;

/** Where a block lives as a file: `<root>/.doc-blocks/<doc>/<its file name or block-LINE.ts>`. */
export function blockFile(root: string, block: CodeBlock): BlockFile {
  const prelude = block.prelude === '' ? '' : `${block.prelude.replace(/\n+$/, '')}\n`;
  const offset = prelude === '' ? 0 : prelude.split('\n').length - 1;
  const name = block.fileName ?? `block-${block.line}-${anonymous++}.ts`;
  return { block, path: join(root, '.doc-blocks', block.doc, name), text: `${prelude}${block.code}\n${block.postlude}`, offset };
}

/** The compiler's errors for the given files, each as `doc:line:col TScode message`. */
export function typeCheck(files: readonly BlockFile[], options: ts.CompilerOptions = USER_OPTIONS): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const dirs = new Set(files.flatMap((f) => ancestors(dirname(f.path))));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.fileExists = (p) => byPath.has(p) || fileExists.call(host, p);
  host.readFile = (p) => byPath.get(p)?.text ?? readFile.call(host, p);
  host.directoryExists = (p) => dirs.has(p) || (directoryExists?.call(host, p) ?? true);
  host.getSourceFile = (p, lang, onError, create) => {
    const f = byPath.get(p);
    return f === undefined ? getSourceFile.call(host, p, lang, onError, create) : ts.createSourceFile(p, f.text, lang, true);
  };
  const program = ts.createProgram([...byPath.keys()], options, host);
  const errors: string[] = [];
  for (const f of files) {
    const source = program.getSourceFile(f.path);
    if (source === undefined) {
      errors.push(`${f.block.doc}:${f.block.line}: the compiler did not load this block`);
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      errors.push(describe(f, d));
    }
  }
  return errors;
}

function describe(f: BlockFile, d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  if (d.file === undefined || d.start === undefined) return `${f.block.doc}:${f.block.line}: TS${d.code} ${message}`;
  const at = d.file.getLineAndCharacterOfPosition(d.start);
  const codeLines = f.block.code.split('\n').length;
  let where = `${f.block.doc}:${f.block.line + at.line - f.offset}:${at.character + 1}`;
  if (at.line < f.offset) where = `${f.block.doc}:${f.block.line} (prelude line ${at.line + 1})`;
  else if (at.line >= f.offset + codeLines) where = `${f.block.doc}:${f.block.line} (postlude line ${at.line - f.offset - codeLines + 1})`;
  return `${where} TS${d.code} ${message}`;
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== dirname(d); d = dirname(d)) out.push(d);
  return out;
}
