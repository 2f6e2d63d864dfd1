import { parseArgs } from 'node:util';

/**
 * What the command line asked for. `invalid` is a usage error (exit code 2).
 *
 * @example
 * const command: CliCommand = { kind: 'explain', file: 'job.ts', verbose: false };
 */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly file: string; readonly quiet: boolean; readonly verbose: boolean }
  | { readonly kind: 'explain'; readonly file: string; readonly verbose: boolean }
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * The help text.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: eddy <command> [options]

Commands:
  run <job.ts>       run the job file; live progress on stderr, a summary at the end
  explain <job.ts>   print the operator graph of each job the file would run, without running it

Options:
  -q, --quiet        run: no live progress, only the summary and errors
      --verbose      print full stack traces of errors
  -h, --help         show this help
  -v, --version      show the version

Exit codes: 0 ok, 1 job failed, 2 usage error, 130/143 stopped by SIGINT/SIGTERM.
`;

/**
 * Reads the arguments after `node eddy.mjs`. Never throws: a bad command line is `invalid`.
 *
 * @example
 * parseCommandLine(['run', 'job.ts', '--quiet']); // { kind: 'run', file: 'job.ts', quiet: true, verbose: false }
 * parseCommandLine(['deploy']); // { kind: 'invalid', problem: "unknown command 'deploy'" }
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
      },
    });
  } catch (e) {
    return { kind: 'invalid', problem: e instanceof Error ? e.message : String(e) };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) return { kind: 'invalid', problem: 'no command given' };
  if (command !== 'run' && command !== 'explain') return { kind: 'invalid', problem: `unknown command '${command}'` };
  if (file === undefined) return { kind: 'invalid', problem: `${command}: no job file given` };
  if (extra.length > 0) return { kind: 'invalid', problem: `${command}: unexpected argument '${extra[0]}' (one job file at a time)` };
  const verbose = values.verbose ?? false;
  if (command === 'explain') {
    if (values.quiet) return { kind: 'invalid', problem: 'explain: --quiet applies only to run' };
    return { kind: 'explain', file, verbose };
  }
  return { kind: 'run', file, quiet: values.quiet ?? false, verbose };
}
