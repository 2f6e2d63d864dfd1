import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import { setupCheckpoints } from '../checkpoint/setup-checkpoints.ts';
import { explain } from '../plan/explain.ts';
import type { Plan } from '../plan/plan.ts';
import { validatePlan } from '../plan/validate.ts';
import { JobLifecycle } from '../metrics/job-lifecycle.ts';
import { JobLoop } from '../runtime/job-loop.ts';
import { OperatorError } from '../runtime/operator-error.ts';
import { RunningGraph } from '../runtime/running-graph.ts';
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
 * the control socket beside the job when asked for. Under `eddy explain` it starts nothing: it
 * hands the graph to the CLI and stops the job file (see `explainOnly`).
 *
 * @example
 * const job = launchJob(env.plan(), 'clicks', settings);
 * await job.result;
 */
export function launchJob(plan: Plan, jobName: string, settings: JobSettings): JobHandle {
  const hook = cliHook();
  if (hook?.mode === 'explain') explainOnly(plan, jobName);
  validatePlan(plan);
  const cp = settings.checkpoints;
  const strategy = settings.restartStrategy;
  if (strategy.kind !== 'none' && cp === null) throw new Error('restartStrategy needs checkpoints: a restart resumes from the latest checkpoint');
  const log = settings.log;
  const clock = settings.clock;
  // The job across its attempts: status, restarts and their errors, checkpoint durations.
  const lifecycle = new JobLifecycle(clock.now());
  let graph = new RunningGraph(plan, jobName, settings);
  // Set by the first attempt, which starts before the handle is returned.
  let loop!: JobLoop;
  let cancelled = false;
  // `eddy savepoint` reaches a job with checkpoints through <checkpoint dir>/control.sock (its local
  // directory for an object store; set once the handle exists).
  let control: ControlSocket | null = null;
  let request: RestoreRequest = hook?.restore ?? settings.restore;
  const outcome = restartLoop({
    run: async (attempt) => {
      if (attempt > 1) {
        graph = new RunningGraph(plan, jobName, settings);
        request = { from: 'latest' };
        lifecycle.restarted();
      }
      const g = graph;
      const from = request;
      loop = new JobLoop(g, cp === null ? null : async () => {
        const setup = await setupCheckpoints(g, cp, from, log);
        setup.hook.onRecord = (record) => lifecycle.checkpoint(record);
        await control?.listen(); // after the setup: a fresh start deletes the checkpoint directory
        return setup;
      });
      if (cancelled) loop.cancel();
      const r = await loop.run();
      return { ...r, restarts: attempt - 1 };
    },
    delayAfter: (attempt) => (cancelled ? null : restartDelay(strategy, attempt)),
    sleep: (ms) => settings.clock.sleep(ms),
    onRestart: (attempt, e, delay) => log(`job '${jobName}' failed (attempt ${attempt}): ${describeError(e)}; restarting from the latest checkpoint in ${delay} ms`),
    onFailure: (attempt, e, delay) => lifecycle.failed(e, attempt, e instanceof OperatorError ? e.operator : null, delay, clock.now()),
  }).then((r) => {
    lifecycle.ended(r.status, clock.now());
    return { ...r, metrics: { ...r.metrics, lifecycle: lifecycle.snapshot() } };
  });
  // The result waits for the sockets to be gone and open dashboards to have the final state.
  const result = outcome.finally(() => Promise.all([control?.close(), web?.finish()]));
  const webOptions = hook?.web ?? settings.web;
  let web: WebServer | null = null;
  const handle: JobHandle = {
    name: jobName,
    result,
    metrics: () => ({ ...graph.metrics(), lifecycle: lifecycle.snapshot() }),
    cancel: () => {
      cancelled = true;
      lifecycle.stopping();
      loop.cancel();
    },
    checkpoints: () => loop.checkpointHistory(),
    savepoint: (path) => loop.savepoint(path),
    stopWithSavepoint: async (path) => {
      cancelled = true; // no restart after this
      lifecycle.stopping();
      return loop.savepoint(path, true);
    },
    queryState: (operator, key) => {
      const g = graph; // the attempt running now
      return g.atRoundBoundary(() => queryKeyedState(g, operator, key));
    },
    samples: () => graph.samples(),
    exceptions: () => lifecycle.exceptions(),
    web: null,
  };
  if (webOptions) {
    web = new WebServer({
      name: jobName, plan, savepointDir: cp === null ? null : `${cp.dir}/savepoints`,
      status: () => lifecycle.snapshot().status,
      metrics: handle.metrics, checkpoints: handle.checkpoints, samples: handle.samples, exceptions: handle.exceptions,
      keyedOperators: () => graph.nodes.filter((n) => n.backend !== null).map((n) => n.id),
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
  if (cp !== null) control = new ControlSocket(cp.localDir, handle, log);
  hook?.started(handle);
  return handle;
}

/**
 * Under `eddy explain`: hands the graph to the CLI and throws, so that the job file stops where
 * it would start the job, as Flink's plan preview stops a program at `execute()`. Nothing of the
 * job starts (no source, sink, dashboard or control socket), and nothing the file would do after
 * the job (reports, clean-up, a next job) runs either.
 *
 * @example
 * if (cliHook()?.mode === 'explain') explainOnly(plan, 'clicks');
 */
export function explainOnly(plan: Plan, jobName: string): never {
  const hook = cliHook();
  if (hook?.explained === undefined) throw new Error('explainOnly is for `eddy explain`, whose CLI hook takes the graph');
  throw hook.explained(jobName, explain(plan, jobName));
}
