import { installCliHook } from '../job/cli-hook.ts';
import type { JobHandle } from '../job/job-handle.ts';
import { openCheckpoint } from '../checkpoint/open-checkpoint.ts';
import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { resolveWebOptions, type ResolvedWebOptions, type WebOptions } from '../ui/web-options.ts';
import { describeError } from './describe-error.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { StatusLine } from './status-line.ts';
import { type JobOutcome, renderSummary } from './summary.ts';

/** Exit codes after a signal, as shells report a process killed by it (128 + signal number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT_CODES;
const TTY_REDRAW_MS = 250;
const LOG_EVERY_MS = 5_000;

/**
 * Options of `eddy run`.
 *
 * @example
 * const options: RunOptions = { quiet: true, verbose: false, clock: new ManualClock(0) };
 */
export interface RunOptions {
  /** No live progress; the summary and errors only. */
  readonly quiet: boolean;
  /** Whole stack traces on failure. */
  readonly verbose: boolean;
  /** The clock for elapsed time, rates and redraws (default: the system clock). */
  readonly clock?: Clock;
  /**
   * Where jobs with checkpoints start (`--fresh`, `--from-checkpoint`, `--from-savepoint`); null or
   * absent: each resumes from its newest valid checkpoint, as it would without the CLI.
   */
  readonly restore?: RestoreRequest | null;
  /** Serve each job's dashboard (`--web-port`); a token missing here is taken from $EDDY_WEB_TOKEN. */
  readonly web?: WebOptions;
}

/**
 * `eddy run job.ts`: imports the job file with the hook in run mode and follows every job it
 * starts: progress on stderr while it runs (a redrawn line on a terminal; otherwise a log line
 * when it starts and every 5 s), a summary when it ends. SIGINT/SIGTERM cancel the running jobs; a second signal
 * exits at once. A restore request applies to every job with checkpoints the file starts; a
 * checkpoint or savepoint to start from is verified before the file is imported (a checkpoint
 * root stands for its newest valid checkpoint). Returns the exit code: 0, 1 when a job or the
 * file failed, 2 when the checkpoint to start from is unusable, 130/143 on a signal.
 *
 * @example
 * process.exitCode = await runCommand(locateJobFile('job.ts').url, { quiet: false, verbose: false });
 */
export async function runCommand(jobUrl: string, options: RunOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  const log = (line: string) => void process.stderr.write(`eddy: ${line}\n`);
  const restore = await resolveRestore(options.restore ?? null, log);
  if (typeof restore === 'string') {
    process.stderr.write(`eddy run: ${restore}\n`);
    return 2;
  }
  let web: ResolvedWebOptions | null = null;
  if (options.web !== undefined) {
    const token = options.web.token ?? process.env.EDDY_WEB_TOKEN;
    try {
      web = resolveWebOptions({ ...options.web, ...(token ? { token } : {}) });
    } catch (e) {
      process.stderr.write(`eddy run: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const status = !options.quiet && process.stderr.isTTY
    ? new StatusLine(process.stderr, process.stdout.isTTY ? [process.stdout] : [])
    : null;
  const reporter = options.quiet ? null
    : status ? new ProgressReporter(clock, TTY_REDRAW_MS, (line) => status.draw(line))
    : new ProgressReporter(clock, LOG_EVERY_MS, log);

  const running = new Set<JobHandle>();
  const followed: Promise<void>[] = [];
  const reportedErrors = new Set<unknown>();
  let failed = false;
  let signal: StopSignal | null = null;
  let interrupted = () => {};
  const interruption = new Promise<void>((resolve) => (interrupted = resolve));

  const follow = async (job: JobHandle): Promise<void> => {
    const startedAt = clock.now();
    running.add(job);
    // A log has nothing else to show for the first 5 s; a terminal shows the status line at once.
    if (reporter !== null && status === null) log(`job '${job.name}' started`);
    reporter?.watch(job, startedAt);
    let outcome: JobOutcome;
    let error: { readonly cause: unknown } | null = null;
    try {
      const result = await job.result;
      outcome = { status: result.status, durationMs: clock.now() - startedAt, metrics: result.metrics };
    } catch (e) {
      error = { cause: e };
      outcome = { status: 'failed', durationMs: clock.now() - startedAt, metrics: job.metrics() };
    }
    running.delete(job);
    reporter?.unwatch(job);
    log(renderSummary(outcome));
    if (error !== null) {
      failed = true;
      reportedErrors.add(error.cause);
      log(describeError(error.cause, options.verbose));
    }
  };

  const onSignal = (name: StopSignal) => {
    if (signal !== null) {
      status?.close();
      log(`${name} again: exiting without waiting for the jobs to stop`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    signal = name;
    for (const job of running) {
      log(`${name}: cancelling job '${job.name}'`);
      job.cancel();
    }
    interrupted();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  installCliHook({
    mode: 'run',
    ...(restore === null ? {} : { restore }),
    ...(web === null ? {} : { web }),
    started: (job) => {
      followed.push(follow(job));
      if (signal !== null) job.cancel();
    },
  });

  try {
    const loading = import(jobUrl).then(() => null, (e: unknown) => ({ cause: e }));
    // After a signal the file may still be awaiting a job; the jobs' ends are what matter then.
    const loadError = await Promise.race([loading, interruption.then(() => null)]);
    let count: number;
    do {
      count = followed.length;
      await Promise.all(followed);
    } while (followed.length > count);

    if (signal !== null) return SIGNAL_EXIT_CODES[signal];
    if (loadError !== null) {
      if (!reportedErrors.has(loadError.cause)) log(describeError(loadError.cause, options.verbose));
      return 1;
    }
    if (followed.length === 0) {
      log('the job file started no job (does it call env.execute or env.executeAsync?)');
      return 1;
    }
    return failed ? 1 : 0;
  } finally {
    reporter?.stop();
    status?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Checks a restore request before any job starts and says where jobs will start: a path must hold
 * a valid checkpoint or savepoint (a checkpoint root becomes its newest valid checkpoint).
 * Returns the request to hand to the jobs, or what is wrong with it.
 */
async function resolveRestore(request: RestoreRequest | null, log: (line: string) => void): Promise<RestoreRequest | null | string> {
  if (request === null || request.from === 'latest') return null;
  if (request.from === 'fresh') {
    log('--fresh: jobs with checkpoints start from scratch; their checkpoints are deleted');
    return request;
  }
  try {
    const { dir, manifest, skipped } = await openCheckpoint(request.path);
    for (const s of skipped) log(s);
    log(`jobs with checkpoints start from ${manifest.kind} ${manifest.id} of job '${manifest.job}' at ${dir}`);
    return { ...request, path: dir };
  } catch (e) {
    return `cannot start from ${request.path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
