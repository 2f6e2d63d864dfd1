import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import { setupCheckpoints } from '../checkpoint/setup-checkpoints.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { explain } from '../plan/explain.ts';
import type { Plan } from '../plan/plan.ts';
import { validatePlan } from '../plan/validate.ts';
import { JobLifecycle } from '../metrics/job-lifecycle.ts';
import { JobRunner } from '../runtime/job-runner.ts';
import { JobRuntime } from '../runtime/job-runtime.ts';
import { OperatorError } from '../runtime/operator-error.ts';
import { queryKeyedState } from '../ui/query-state.ts';
import type { WebAddress } from '../ui/web-address.ts';
import { WebServer } from '../ui/web-server.ts';
import { cliHook } from './cli-hook.ts';
import { ControlSocket } from './control-socket.ts';
import type { JobHandle } from './job-handle.ts';
import type { JobSettings } from './job-settings.ts';
import { restartDelay } from './restart-strategy.ts';
import { describeError, restartLoop } from './restart-loop.ts';

/**
 * Starts a job from its plan in this process and returns at once with a handle to it
 * (StreamEnvironment.executeAsync hands its plan here, or to scale-out's `launchScaledOut`). It
 * restarts from the latest checkpoint as the restart strategy allows, and serves the dashboard and
 * the control socket beside the job when asked for. Under `eddy explain` it only prints the graph.
 *
 * @example
 * const job = launchJob(env.plan(), 'clicks', settings);
 * await job.result;
 */
export function launchJob(plan: Plan, jobName: string, settings: JobSettings): JobHandle {
  const hook = cliHook();
  if (hook?.mode === 'explain') return explainOnly(plan, jobName);
  validatePlan(plan);
  const cp = settings.checkpoints;
  const strategy = settings.restartStrategy;
  if (strategy.kind !== 'none' && cp === null) throw new Error('restartStrategy needs checkpoints: a restart resumes from the latest checkpoint');
  const log = settings.log;
  const clock = settings.clock;
  // The job across its attempts: status, restarts and their errors, checkpoint durations.
  const lifecycle = new JobLifecycle(clock.now());
  let runtime = new JobRuntime(plan, jobName, settings);
  // Set by the first attempt, which starts before the handle is returned.
  let runner!: JobRunner;
  let cancelled = false;
  // `eddy savepoint` reaches a job with checkpoints through <checkpoint dir>/control.sock (set once the handle exists).
  let control: ControlSocket | null = null;
  let request: RestoreRequest = hook?.restore ?? settings.restore;
  const result = restartLoop({
    run: async (attempt) => {
      if (attempt > 1) {
        runtime = new JobRuntime(plan, jobName, settings);
        request = { from: 'latest' };
        lifecycle.restarted();
      }
      const rt = runtime;
      const from = request;
      runner = new JobRunner(rt, cp === null ? null : async () => {
        const setup = await setupCheckpoints(rt, cp, from, log);
        setup.coordinator.onRecord = (record) => lifecycle.checkpoint(record);
        await control?.listen(); // after the setup: a fresh start deletes the checkpoint directory
        return setup;
      });
      if (cancelled) runner.cancel();
      const r = await runner.run();
      return { ...r, restarts: attempt - 1 };
    },
    delayAfter: (attempt) => (cancelled ? null : restartDelay(strategy, attempt)),
    sleep: (ms) => settings.clock.sleep(ms),
    onRestart: (attempt, e, delay) => log(`job '${jobName}' failed (attempt ${attempt}): ${describeError(e)}; restarting from the latest checkpoint in ${delay} ms`),
    onFailure: (attempt, e, delay) => lifecycle.failed(e, attempt, e instanceof OperatorError ? e.operator : null, delay, clock.now()),
  }).then((r) => {
    lifecycle.ended(r.status, clock.now());
    return { ...r, metrics: { ...r.metrics, lifecycle: lifecycle.snapshot() } };
  }).finally(() => Promise.all([control?.close(), web?.finish()])); // the result waits for the socket to be gone and open dashboards to have the final state
  const webOptions = hook?.web ?? settings.web;
  let web: WebServer | null = null;
  const handle: JobHandle = {
    name: jobName,
    result,
    metrics: () => ({ ...runtime.metrics(), lifecycle: lifecycle.snapshot() }),
    cancel: () => {
      cancelled = true;
      lifecycle.stopping();
      runner.cancel();
    },
    checkpoints: () => runner.checkpointHistory(),
    savepoint: (path) => runner.savepoint(path),
    stopWithSavepoint: async (path) => {
      cancelled = true; // no restart after this
      lifecycle.stopping();
      return runner.savepoint(path, true);
    },
    queryState: (operator, key) => {
      const rt = runtime; // the attempt running now
      return runner.atRoundBoundary(() => queryKeyedState(rt, operator, key));
    },
    samples: () => runtime.samples(),
    exceptions: () => lifecycle.exceptions(),
    web: null,
  };
  if (webOptions) {
    web = new WebServer({
      name: jobName, plan, savepointDir: cp === null ? null : `${cp.dir}/savepoints`,
      status: () => lifecycle.snapshot().status,
      metrics: handle.metrics, checkpoints: handle.checkpoints, samples: handle.samples, exceptions: handle.exceptions,
      keyedOperators: () => runtime.nodes.filter((n) => n.op?.backend !== undefined).map((n) => n.id),
      cancel: handle.cancel, savepoint: handle.savepoint, stopWithSavepoint: handle.stopWithSavepoint, queryState: handle.queryState,
    }, webOptions, clock, log);
    const address = web.start().then((a) => {
      log(`job '${jobName}': dashboard at ${a.url}`);
      return a;
    }, (e: unknown) => {
      log(`job '${jobName}': no dashboard (the job runs on): cannot listen on ${webOptions.host}:${webOptions.port}: ${describeError(e)}`);
      throw e;
    });
    address.catch(() => {}); // failing to listen never fails the job; `handle.web` still rejects
    (handle as { web: Promise<WebAddress> | null }).web = address;
  }
  if (cp !== null) control = new ControlSocket(cp.dir, handle, log);
  hook?.started(handle);
  return handle;
}

/**
 * Under `eddy explain`: prints the graph through the CLI hook and returns the handle of a job
 * that does not run (over at once, refusing everything else).
 *
 * @example
 * if (cliHook()?.mode === 'explain') return explainOnly(plan, 'clicks');
 */
export function explainOnly(plan: Plan, jobName: string): JobHandle {
  cliHook()?.explained(jobName, explain(plan, jobName));
  return inertHandle(jobName, 'explain mode: the job does not run');
}

/** A handle of a job that does not run: it is over at once, and refuses everything else. */
function inertHandle(name: string, why: string): JobHandle {
  const metrics: JobMetricsSnapshot = {
    job: name, startedAt: 0, now: 0, recordsIn: 0, recordsOut: 0, lateDropped: 0, lateToSideOutput: 0, deadLetters: 0,
    watermark: Number.NEGATIVE_INFINITY, operators: [],
  };
  const none = () => Promise.reject(new Error(why));
  return {
    name, result: Promise.resolve({ job: name, status: 'cancelled', durationMs: 0, metrics, checkpoints: [], restarts: 0 }),
    metrics: () => metrics, cancel: () => {}, checkpoints: () => [], savepoint: none, stopWithSavepoint: none,
    queryState: none, samples: () => [], exceptions: () => [], web: null,
  };
}
