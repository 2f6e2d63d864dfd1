import { parseArgs } from 'node:util';
import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import type { WebOptions } from '../ui/web-options.ts';

/**
 * What the command line asked for. `invalid` is a usage error (exit code 2); its `usage` is true
 * when the whole help text is the answer (no command at all), else one line of it is. A run's `restore` is
 * null when no restore flag was given (jobs with checkpoints then resume from their newest one).
 * `args` of run and explain are the arguments after `--`, for the job file's process.argv.
 *
 * @example
 * const command: CliCommand = { kind: 'savepoint', dir: '.eddy/checkpoints/clicks', to: null, stop: true, verbose: false };
 */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly file: string; readonly args: readonly string[]; readonly check: boolean; readonly quiet: boolean; readonly verbose: boolean; readonly restore: RestoreRequest | null; readonly web?: WebOptions }
  | { readonly kind: 'explain'; readonly file: string; readonly args: readonly string[]; readonly check: boolean; readonly verbose: boolean }
  | { readonly kind: 'savepoint'; readonly dir: string; readonly to: string | null; readonly stop: boolean; readonly verbose: boolean }
  | { readonly kind: 'status'; readonly dir: string; readonly verbose: boolean }
  | { readonly kind: 'inspect'; readonly path: string; readonly operator: string | null; readonly key: string | null; readonly verbose: boolean }
  | { readonly kind: 'invalid'; readonly problem: string; readonly usage?: boolean };

/**
 * The help text.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: eddy <command> [options] [-- job arguments]

Commands:
  run <job.ts>               type-check the job file, then run it; live progress on stderr, a summary at the end
  explain <job.ts>           print the operator graph of the job the file would start, without starting it
                             (the file runs up to its execute call and stops there)
  savepoint <checkpoint-dir> take a savepoint of the job running with that checkpoint directory; prints its path
  status <checkpoint-dir>    print the metrics and recent checkpoints of the job running there
  inspect <path>             describe a checkpoint or savepoint (a checkpoint directory: its newest valid one)

Options:
  -q, --quiet                    run: no live progress, only the summary and errors
      --no-check                 run, explain: do not type-check the job file first
      --fresh                    run: jobs with checkpoints start from scratch (their checkpoints are deleted)
      --from-checkpoint <path>   run: jobs with checkpoints start from this checkpoint
      --from-savepoint <path>    run: jobs with checkpoints start from this savepoint
      --allow-non-restored-state run: drop state in the checkpoint that no operator of the job claims
                                 (without a flag, a job with checkpoints resumes from its newest valid one)
      --to <path>                savepoint: where to write it (default: <checkpoint-dir>/../savepoints/sp-<time>)
      --stop                     savepoint: stop the job once the savepoint is written
      --operator <id>            inspect: list the operator's state tables and some keys
      --key <key>                inspect: with --operator, print that key's value in every state table
      --web-port <port>          run: serve each job's dashboard, REST API and /metrics on this port (0: any free one)
      --web-host <address>       run: address to bind the dashboard to (default 127.0.0.1; any other needs a token)
      --web-token <token>        run: token every dashboard request must carry (default: $EDDY_WEB_TOKEN)
      --verbose                  print full stack traces of errors
  -h, --help                     show this help
  -v, --version                  show the version

Job arguments: everything after -- goes to the job file (run and explain), which sees
  process.argv as if started by \`node job.ts ...\`: [node, /abs/path/job.ts, ...arguments].
  Example: eddy run job.ts --quiet -- --input data/clicks.csv 10

Exit codes: 0 ok, 1 job or command failed, 2 usage error, 130/143 stopped by SIGINT/SIGTERM.
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  'no-check': { type: 'boolean' },
  fresh: { type: 'boolean' },
  'from-checkpoint': { type: 'string' },
  'from-savepoint': { type: 'string' },
  'allow-non-restored-state': { type: 'boolean' },
  to: { type: 'string' },
  stop: { type: 'boolean' },
  operator: { type: 'string' },
  key: { type: 'string' },
  'web-port': { type: 'string' },
  'web-host': { type: 'string' },
  'web-token': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options each command takes besides --verbose; the rest are usage errors when given to it. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  run: ['no-check', 'quiet', 'fresh', 'from-checkpoint', 'from-savepoint', 'allow-non-restored-state', 'web-port', 'web-host', 'web-token'],
  explain: ['no-check'],
  savepoint: ['to', 'stop'],
  status: [],
  inspect: ['operator', 'key'],
};

/** What each command's one positional argument is, for error messages. */
const OPERAND: Record<string, string> = {
  run: 'job file', explain: 'job file', savepoint: 'checkpoint directory', status: 'checkpoint directory', inspect: 'checkpoint or savepoint path',
};

/**
 * Reads the arguments after `node eddy.mjs`. Never throws: a bad command line is `invalid`.
 *
 * @example
 * parseCommandLine(['run', 'job.ts', '--quiet']); // { kind: 'run', file: 'job.ts', args: [], quiet: true, verbose: false, restore: null }
 * parseCommandLine(['run', 'job.ts', '--', 'in.csv', '--limit', '5']); // args: ['in.csv', '--limit', '5']
 * parseCommandLine(['run', 'job.ts', '--from-savepoint', 'sp-1']); // restore: { from: 'path', path: 'sp-1', allowNonRestoredState: false }
 * parseCommandLine(['deploy']); // { kind: 'invalid', problem: "unknown command 'deploy'" }
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  // Everything after the first `--` belongs to the job file, flags included.
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const args = split < 0 ? [] : argv.slice(split + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: [...own], allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return { kind: 'invalid', problem: parseProblem(e) };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, operand, ...extra] = positionals;
  if (command === undefined) return { kind: 'invalid', problem: 'no command given', usage: true };
  if (!Object.hasOwn(COMMAND_OPTIONS, command)) return { kind: 'invalid', problem: `unknown command '${command}'${didYouMean(command, Object.keys(COMMAND_OPTIONS))}` };
  const allowed = COMMAND_OPTIONS[command];
  if (operand === undefined) return { kind: 'invalid', problem: `${command}: no ${OPERAND[command]} given` };
  const takesArgs = command === 'run' || command === 'explain';
  if (extra.length > 0) {
    const hint = takesArgs ? `; arguments for the job go after --: eddy ${command} ${operand} -- ${extra.join(' ')}` : '';
    return { kind: 'invalid', problem: `${command}: unexpected argument '${extra[0]}' (one ${OPERAND[command]} at a time${hint})` };
  }
  if (split >= 0 && !takesArgs) return { kind: 'invalid', problem: `${command}: arguments after -- go to a job file; only run and explain take them` };
  const misplaced = (Object.keys(values) as OptionName[]).find((o) => o !== 'verbose' && !allowed.includes(o));
  if (misplaced !== undefined) return { kind: 'invalid', problem: `${command}: --${misplaced} applies only to ${commandsTaking(misplaced)}` };
  const verbose = values.verbose ?? false;
  const check = !(values['no-check'] ?? false);
  switch (command) {
    case 'explain':
      return { kind: 'explain', file: operand, args, check, verbose };
    case 'savepoint':
      return { kind: 'savepoint', dir: operand, to: values.to ?? null, stop: values.stop ?? false, verbose };
    case 'status':
      return { kind: 'status', dir: operand, verbose };
    case 'inspect':
      if (values.key !== undefined && values.operator === undefined) return { kind: 'invalid', problem: 'inspect: --key needs --operator (keys belong to an operator)' };
      return { kind: 'inspect', path: operand, operator: values.operator ?? null, key: values.key ?? null, verbose };
    default: {
      const restore = restoreRequest(values);
      if (typeof restore === 'string') return { kind: 'invalid', problem: `run: ${restore}` };
      const web = webOptions(values);
      if (typeof web === 'string') return { kind: 'invalid', problem: `run: ${web}` };
      return { kind: 'run', file: operand, args, check, quiet: values.quiet ?? false, verbose, restore, ...(web === null ? {} : { web }) };
    }
  }
}

/** The restore flags of `run` as a request, or what is wrong with them. */
function restoreRequest(values: { fresh?: boolean; 'from-checkpoint'?: string; 'from-savepoint'?: string; 'allow-non-restored-state'?: boolean }): RestoreRequest | null | string {
  const given = (['fresh', 'from-checkpoint', 'from-savepoint'] as const).filter((f) => values[f] !== undefined && values[f] !== false);
  if (given.length > 1) return `--${given[0]} and --${given[1]} contradict each other; give one`;
  const allow = values['allow-non-restored-state'] ?? false;
  if (given.length === 0) return allow ? '--allow-non-restored-state needs --from-checkpoint or --from-savepoint' : null;
  if (given[0] === 'fresh') return allow ? '--allow-non-restored-state does not apply to --fresh (nothing is restored)' : { from: 'fresh' };
  const path = values[given[0]]!;
  if (path === '') return `--${given[0]} needs a path`;
  return { from: 'path', path, allowNonRestoredState: allow };
}

/** The dashboard flags of `run`, or what is wrong with them (the token's strength is checked when the run starts). */
function webOptions(values: { 'web-port'?: string; 'web-host'?: string; 'web-token'?: string }): WebOptions | null | string {
  const port = values['web-port'];
  if (port === undefined) {
    const stray = (['web-host', 'web-token'] as const).find((f) => values[f] !== undefined);
    return stray === undefined ? null : `--${stray} needs --web-port`;
  }
  if (!/^\d+$/.test(port) || Number(port) > 65_535) return `--web-port must be a port number from 0 to 65535, got '${port}'`;
  return {
    port: Number(port),
    ...(values['web-host'] === undefined ? {} : { host: values['web-host'] }),
    ...(values['web-token'] === undefined ? {} : { token: values['web-token'] }),
  };
}

/** node:util's parse errors, in the words of the rest of the CLI (an unknown option gets a suggestion). */
function parseProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
  if (unknown !== null) {
    const [, dashes, name] = unknown;
    return `unknown option '${dashes}${name}'${didYouMean(name, Object.keys(OPTIONS), '--')}`;
  }
  const missing = /^Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing !== null) return `${missing[2]} needs a value`;
  return message;
}

/** " (did you mean x?)" when one candidate is a likely typo of `given` (a letter or two off), else ''. */
function didYouMean(given: string, candidates: readonly string[], prefix = ''): string {
  const close = candidates
    .map((c) => ({ c, d: typoDistance(given.toLowerCase(), c) }))
    .filter(({ c, d }) => d <= (c.length <= 4 ? 1 : 2))
    .sort((a, b) => a.d - b.d);
  return close.length === 0 ? '' : ` (did you mean ${prefix}${close[0].c}?)`;
}

/** Edits from `a` to `b`: letters inserted, deleted or replaced, and neighbours swapped (each 1). */
function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function commandsTaking(option: OptionName): string {
  const commands = Object.keys(COMMAND_OPTIONS).filter((c) => COMMAND_OPTIONS[c].includes(option));
  return commands.join(' and ');
}
