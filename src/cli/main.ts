import { readFileSync } from 'node:fs';
import { USAGE, parseCommandLine } from './args.ts';
import { checkBeforeLoading } from './check-before-loading.ts';
import { explainCommand } from './explain-command.ts';
import { locateJobFile, withJobArgv } from './job-file.ts';
import { inspectCommand } from './inspect-command.ts';
import { runCommand } from './run-command.ts';
import { savepointCommand } from './savepoint-command.ts';
import { statusCommand } from './status-command.ts';

/**
 * The `eddy` command: parses `argv` (the arguments after the script), runs the command and
 * returns the exit code. bin/eddy.mjs sets up TypeScript loading and then calls this.
 *
 * @example
 * process.exitCode = await main(['run', 'examples/clicks-per-minute/job.ts']);
 * process.exitCode = await main(['savepoint', '.eddy/checkpoints/clicks', '--stop']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`eddy ${version()}\n`);
      return 0;
    case 'invalid':
      process.stderr.write(`eddy: ${command.problem}\n${command.usage === true ? `\n${USAGE}` : "Run 'eddy --help' for the commands and their options.\n"}`);
      return 2;
    case 'run':
    case 'explain': {
      const job = locateJobFile(command.file);
      if ('problem' in job) {
        process.stderr.write(`eddy ${command.kind}: ${job.problem}\n`);
        return 2;
      }
      if (command.check) {
        const refused = checkBeforeLoading(command.kind, job.url, { quiet: command.kind === 'run' && command.quiet, verbose: command.verbose });
        if (refused !== null) return refused;
      }
      // The job file sees process.argv as under `node job.ts ...args` while it runs.
      return withJobArgv(job.url, command.args, () => (command.kind === 'run' ? runCommand(job.url, command) : explainCommand(job.url, command)));
    }
    case 'savepoint':
      return savepointCommand(command);
    case 'status':
      return statusCommand(command);
    case 'inspect':
      return inspectCommand(command);
  }
}

/** The version in Eddy's package.json (two levels up from both src/cli and dist/cli). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
