import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CompilerOptions, Diagnostic } from 'typescript';
import { EDDY_ROOT, type TypeScript } from './find-typescript.ts';

/**
 * The compiler options a job file is checked with, and where they came from.
 *
 * @example
 * const { options, configFiles } = checkOptions(ts, '/app/job.ts', '/app/tsconfig.json');
 */
export interface CheckOptions {
  readonly options: CompilerOptions;
  /** The tsconfig files the options were read from (the file and those it extends); empty: Eddy's defaults. */
  readonly configFiles: readonly string[];
  /** What is wrong with the tsconfig itself (unknown options and the like). */
  readonly errors: readonly Diagnostic[];
}

/**
 * The tsconfig.json nearest above the job file, as `tsc` and editors find it; null when the
 * project has none. (TypeScript's findConfigFile does the same, but needs TypeScript loaded.)
 *
 * @example
 * findConfigFile('/app/jobs/job.ts'); // '/app/tsconfig.json'
 */
export function findConfigFile(jobFile: string): string | null {
  for (let dir = dirname(jobFile); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Options about what a build writes: the check writes nothing, and some clash with noEmit. */
const EMIT_ONLY = [
  'composite', 'incremental', 'tsBuildInfoFile', 'declaration', 'declarationMap', 'emitDeclarationOnly', 'declarationDir',
  'outDir', 'outFile', 'rootDir', 'sourceMap', 'inlineSourceMap', 'inlineSources', 'generateTrace', 'generateCpuProfile',
  'listFiles', 'listEmittedFiles', 'explainFiles', 'traceResolution', 'diagnostics', 'extendedDiagnostics',
] as const;

/** "No inputs were found in config file": its `include` is not what the check compiles. */
const NO_INPUTS = 18003;

/**
 * The options of the user's tsconfig.json (see `findConfigFile`), with emitting turned off; or,
 * when the project has none (`configFile` null), Eddy's defaults for a job file: strict,
 * an ES module (top-level await), `.ts` imports allowed, and the type definitions visible from the
 * job's folder (or, when there are none, from Eddy's, so a lone job file in /tmp can use `node:`
 * modules).
 *
 * @example
 * checkOptions(ts, '/tmp/job.ts', null).options.strict; // true under Eddy's defaults
 */
export function checkOptions(ts: TypeScript, jobFile: string, configFile: string | null): CheckOptions {
  if (configFile === null) return { options: defaultOptions(ts, jobFile), configFiles: [], errors: [] };
  const errors: Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => void errors.push(d),
  });
  if (parsed === undefined) return { options: {}, configFiles: [configFile], errors };
  const options: CompilerOptions = { ...parsed.options, noEmit: true };
  for (const name of EMIT_ONLY) delete options[name];
  const extended = (parsed.options.configFile as { extendedSourceFiles?: readonly string[] } | undefined)?.extendedSourceFiles ?? [];
  return { options, configFiles: [configFile, ...extended], errors: [...errors, ...parsed.errors.filter((e) => e.code !== NO_INPUTS)] };
}

function defaultOptions(ts: TypeScript, jobFile: string): CompilerOptions {
  const options: CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    // Preserve (TypeScript 5.4 and later) reads the file as the ES module Eddy runs it as.
    module: ts.ModuleKind.Preserve ?? ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2023.d.ts'],
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    esModuleInterop: true,
    skipLibCheck: true,
  };
  if (typeRoots(ts, dirname(jobFile)).length === 0) options.typeRoots = typeRoots(ts, EDDY_ROOT);
  return options;
}

/** The node_modules/@types folders TypeScript would look in from `dir` (those that exist). */
function typeRoots(ts: TypeScript, dir: string): string[] {
  const host = { directoryExists: ts.sys.directoryExists, getCurrentDirectory: () => dir };
  return ts.getEffectiveTypeRoots({}, host)?.filter((root) => ts.sys.directoryExists(root)) ?? [];
}
