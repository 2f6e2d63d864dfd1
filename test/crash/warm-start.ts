import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STANDBY = fileURLToPath(new URL('./fixtures/standby.ts', import.meta.url));

/**
 * Started node processes kept in reserve: each has loaded tsx and eddy and waits on stdin for the
 * script to run (fixtures/standby.ts). `launch` hands one over and starts the next, so the cost of
 * starting node (0.4 s on a quiet machine, seconds under load) overlaps the previous run instead
 * of adding to every kill. Pass `launch` to `runKillable`.
 *
 * @example
 * const warm = new WarmStarts(2); await runKillable(argv, when, warm.launch); warm.close();
 */
export class WarmStarts {
  private readonly ready: ChildProcess[] = [];
  private closed = false;

  constructor(private readonly spare: number, private readonly env: NodeJS.ProcessEnv = process.env) {
    for (let i = 0; i < spare; i++) this.ready.push(this.start());
  }

  /** `argv` as for `node`: node options, then `--import tsx SCRIPT`, then the script's arguments. */
  readonly launch = (argv: readonly string[]): ChildProcess => {
    if (this.closed) throw new Error('the warm starts are closed');
    const at = argv.findIndex((a, i) => i > 0 && argv[i - 1] === 'tsx');
    if (at < 0) throw new Error(`warm start: no script after --import tsx in ${argv.join(' ')}`);
    let child = this.ready.shift();
    // One that died in reserve (killed by someone, out of memory) would never report its exit.
    while (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) child = this.ready.shift();
    child ??= this.start();
    this.ready.push(this.start());
    child.stdin!.end(`${JSON.stringify({ script: argv[at], args: argv.slice(at + 1) })}\n`);
    return child;
  };

  /** Ends the processes in reserve (closing stdin makes them exit). */
  close(): void {
    this.closed = true;
    for (const c of this.ready) {
      c.stdin!.end();
      c.kill('SIGKILL');
    }
    this.ready.length = 0;
  }

  private start(): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=eddy-source', '--import', 'tsx', STANDBY], {
      cwd: ROOT, env: this.env, stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Until it is handed over: keep its pipes drained, and an early death from being an error
    // nobody listens to (the run that takes it sees its exit).
    child.on('error', () => {});
    child.stdout!.resume();
    child.stderr!.resume();
    return child;
  }
}
