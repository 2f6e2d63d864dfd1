import { dirname, extname, join, relative, sep } from 'node:path';
import type { CompilerHost, CompilerOptions, Diagnostic, Program, ResolvedModuleWithFailedLookupLocations, SourceFile } from 'typescript';
import { type Clock, systemClock } from '../time/clock.ts';
import { CheckCache } from './check-cache.ts';
import { checkOptions, findConfigFile } from './check-options.ts';
import { EDDY_ROOT, findTypeScript, type FoundTypeScript, loadTypeScript, type TypeScript, typeScriptDir } from './find-typescript.ts';

/**
 * What the type check of a job file found. `compiler` says which TypeScript and tsconfig checked
 * it ("TypeScript 5.9.3 with tsconfig.json"); `report` lists the errors as `file:line:column -
 * error TSnnnn: message`, the compiler's own words.
 *
 * @example
 * const check = checkJobFile('/app/job.ts');
 * if (check.kind === 'failed') console.error(check.report);
 */
export type JobCheck =
  | { readonly kind: 'passed'; readonly compiler: string; readonly cached: boolean; readonly ms: number }
  | { readonly kind: 'failed'; readonly compiler: string; readonly errors: number; readonly report: string }
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'not-typescript' };

/** Options of `checkJobFile`. */
export interface JobCheckOptions {
  /** Paths in the report are relative to this folder. */
  readonly cwd?: string;
  readonly clock?: Clock;
  readonly cache?: CheckCache;
  /** Errors listed in the report; the rest are counted. */
  readonly maxErrors?: number;
  /** Where the compiler comes from (tests stand in a project without one). */
  readonly findTypeScript?: (jobFile: string) => FoundTypeScript | null;
}

/** Changes when what a check does changes (Eddy's default options, say), so older entries no longer count. */
const CHECK_VERSION = 1;
const TYPESCRIPT_FILES = new Set(['.ts', '.mts', '.cts', '.tsx']);
/** TS1309 and friends: the compiler took the file for CommonJS, which cannot await at the top level. */
const COMMONJS_AWAIT = new Set([1309, 1375, 1378]);

/**
 * Type-checks a job file and the user's files it imports (Eddy's own sources and installed
 * packages are not the user's to fix), with the user's TypeScript and tsconfig when the project
 * has them (see `findTypeScript`, `checkOptions`). A job file that passed before and whose inputs
 * have not changed is not compiled again (see `CheckCache`). JavaScript job files are not checked.
 *
 * @example
 * const check = checkJobFile(fileURLToPath(job.url), { cwd: process.cwd() });
 */
export function checkJobFile(jobFile: string, options: JobCheckOptions = {}): JobCheck {
  if (!TYPESCRIPT_FILES.has(extname(jobFile))) return { kind: 'not-typescript' };
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const found = (options.findTypeScript ?? findTypeScript)(jobFile);
  if (found === null) {
    return { kind: 'unavailable', reason: 'TypeScript is not installed in this project (nor beside Eddy)' };
  }
  const configFile = findConfigFile(jobFile);
  const cwd = options.cwd ?? process.cwd();
  const compiler = `TypeScript ${found.version}${found.own ? ` (Eddy's, from ${shownPath(cwd, typeScriptDir(found.path))})` : ''}`
    + ` with ${configFile === null ? "Eddy's default options (no tsconfig.json found)" : shownPath(cwd, configFile)}`;
  // What the options come from is in the key, or among the files whose contents the entry keeps.
  const cache = options.cache ?? new CheckCache();
  const key = JSON.stringify({ v: CHECK_VERSION, jobFile, typescript: found.path, version: found.version, configFile });
  if (cache.passed(key)) return { kind: 'passed', compiler, cached: true, ms: clock.now() - started };

  const ts = loadTypeScript(found);
  const { options: compilerOptions, configFiles, errors: configErrors } = checkOptions(ts, jobFile, configFile);
  const program = ts.createProgram({ rootNames: [jobFile], options: compilerOptions, host: compilerHost(ts, compilerOptions) });
  const userFiles = program.getSourceFiles().filter((f) => isUsersFile(program, f));
  const diagnostics = [
    ...configErrors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...userFiles.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length === 0) {
    const read = [...configFiles, ...program.getSourceFiles().map((f) => f.fileName), ...packageJsonsOf(ts, userFiles.map((f) => f.fileName))];
    cache.remember(key, read);
    return { kind: 'passed', compiler, cached: false, ms: clock.now() - started };
  }
  return { kind: 'failed', compiler, errors: diagnostics.length, report: report(ts, diagnostics, cwd, options.maxErrors ?? 20) };
}

/**
 * A compiler host that resolves 'eddy' and 'eddy/...' against this Eddy when the job file's folder
 * cannot (a job file in /tmp), as bin/eddy-loader-hooks.mjs does when the job runs.
 */
function compilerHost(ts: TypeScript, options: CompilerOptions): CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options);
  // Run from a checkout's sources (the repository's own tests), Eddy's types are its sources: a
  // fresh clone has no dist/ until it is packed.
  const fromSources = import.meta.url.endsWith('.ts');
  const eddyOptions: CompilerOptions = {
    ...options, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext,
    ...(fromSources ? { customConditions: ['eddy-source'], allowImportingTsExtensions: true } : {}),
  };
  const eddyPackage = join(EDDY_ROOT, 'package.json');
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, containingSourceFile) => literals.map((literal): ResolvedModuleWithFailedLookupLocations => {
    const name = literal.text;
    const mode = ts.getModeForUsageLocation(containingSourceFile, literal, opts);
    const resolved = ts.resolveModuleName(name, containingFile, opts, host, cache, redirected, mode);
    if (resolved.resolvedModule !== undefined || !(name === 'eddy' || name.startsWith('eddy/'))) return resolved;
    return ts.resolveModuleName(name, eddyPackage, eddyOptions, host);
  });
  return host;
}

/** Eddy's own sources, declarations and installed packages are not the user's to fix. */
function isUsersFile(program: Program, file: SourceFile): boolean {
  if (file.isDeclarationFile || file.fileName.includes('/node_modules/') || program.isSourceFileFromExternalLibrary(file)) return false;
  const path = file.fileName.split('/').join(sep); // the compiler's names use '/' everywhere
  return !path.startsWith(join(EDDY_ROOT, 'src', sep)) && !path.startsWith(join(EDDY_ROOT, 'dist', sep));
}

/** The package.json nearest each user file: its "type" decides how the compiler reads the file. */
function packageJsonsOf(ts: TypeScript, files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const candidate = join(dir, 'package.json');
      if (ts.sys.fileExists(candidate)) {
        found.add(candidate);
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return [...found];
}

/** The errors as `file:line:column - error TSnnnn: message`, at most `max` of them, then a hint when one helps. */
function report(ts: TypeScript, diagnostics: readonly Diagnostic[], cwd: string, max: number): string {
  const lines = diagnostics.slice(0, max).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (d.file === undefined || d.start === undefined) return `error TS${d.code}: ${message}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${shownPath(cwd, d.file.fileName)}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
  });
  if (diagnostics.length > max) lines.push(`... and ${diagnostics.length - max} more`);
  if (diagnostics.some((d) => COMMONJS_AWAIT.has(d.code))) {
    lines.push('(eddy runs a job file written with import/export as an ES module; say so to TypeScript too: "type": "module" in package.json, or name the file .mts)');
  }
  return lines.join('\n');
}


/** A path relative to `cwd` when it is below it, else absolute. */
function shownPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}
