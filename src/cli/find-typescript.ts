import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The TypeScript compiler's API, as its package exports it. */
export type TypeScript = typeof import('typescript');

/**
 * A TypeScript compiler found for a job file, not loaded yet (loading it costs about 0.3 s of CPU,
 * which a check that its cache answers does without).
 *
 * @example
 * const found: FoundTypeScript = { path: '/app/node_modules/typescript/lib/typescript.js', version: '5.9.3', own: false };
 */
export interface FoundTypeScript {
  /** The module's file, as require resolves 'typescript'. */
  readonly path: string;
  readonly version: string;
  /** Found beside Eddy rather than from the job file's folder (the user's project has none). */
  readonly own: boolean;
}

/** Eddy's package root (two levels up from both src/cli and dist/cli). */
export const EDDY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The TypeScript that checks a job file: the user's, resolved from the job file's folder as their
 * editor and `tsc` would find it, else the one installed beside Eddy; null when neither exists.
 *
 * @example
 * const found = findTypeScript('/app/jobs/job.ts'); // the user's node_modules/typescript, if any
 */
export function findTypeScript(jobFile: string): FoundTypeScript | null {
  for (const [from, own] of [[jobFile, false], [join(EDDY_ROOT, 'package.json'), true]] as const) {
    let path: string;
    try {
      path = createRequire(from).resolve('typescript');
    } catch {
      continue;
    }
    const { version } = JSON.parse(readFileSync(join(typeScriptDir(path), 'package.json'), 'utf8')) as { version: string };
    return { path, version, own };
  }
  return null;
}

/**
 * Loads a TypeScript that `findTypeScript` found. With require: it is a 9 MB CommonJS file that
 * needs no compiling on the way in.
 *
 * @example
 * const ts = loadTypeScript(findTypeScript(jobFile)!);
 */
export function loadTypeScript(found: FoundTypeScript): TypeScript {
  return createRequire(found.path)(found.path) as TypeScript;
}

/** The folder of the TypeScript package whose module is at `path` (.../typescript/lib/typescript.js). */
export function typeScriptDir(path: string): string {
  return dirname(dirname(path));
}
