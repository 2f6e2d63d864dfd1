import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import { setupCheckpoints } from '../checkpoint/setup-checkpoints.ts';
import type { JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import { explain } from '../plan/explain.ts';
import type { Plan } from '../plan/plan.ts';
import { validatePlan } from '../plan/validate.ts';
import { JobLoop } from '../runtime/job-loop.ts';
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
  let graph = new RunningGraph(plan, jobName, settings);
  // Set by the first attempt, which starts before the handle is returned.
  let loop!: JobLoop;
  let cancelled = false;
  // `eddy savepoint` reaches a job with checkpoints through <checkpoint dir>/control.sock (set once the handle exists).
  let control: ControlSocket | null = null;
  let request: RestoreRequest = hook?.restore ?? settings.restore;
  const result = restartLoop({
    run: async (attempt) => {
      if (attempt > 1) {
        graph = new RunningGraph(plan, jobName, settings);
        request = { from: 'latest' };
      }
      const g = graph;
      const from = request;
      loop = new JobLoop(g, cp === null ? null : async () => {
        const setup = await setupCheckpoints(g, cp, from, log);
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
  }).finally(() => Promise.all([control?.close(), web?.close()])); // the result waits for the sockets to be gone
  const webOptions = hook?.web ?? settings.web;
  let stopping = false;
  let web: WebServer | null = null;
  const handle: JobHandle = {
    name: jobName,
    result,
    metrics: () => graph.metrics(),
    cancel: () => {
      cancelled = true;
      stopping = true;
      loop.cancel();
    },
    checkpoints: () => loop.checkpointHistory(),
    savepoint: (path) => loop.savepoint(path),
    stopWithSavepoint: async (path) => {
      cancelled = true; // no restart after this
      stopping = true;
      return loop.savepoint(path, true);
    },
    queryState: (operator, key) => {
      const g = graph; // the attempt running now
      return g.atRoundBoundary(() => queryKeyedState(g, operator, key));
    },
    samples: () => graph.samples(),
    web: null,
  };
  if (webOptions) {
    web = new WebServer({
      name: jobName, plan, savepointDir: cp === null ? null : `${cp.dir}/savepoints`,
      status: () => (stopping ? 'stopping' : 'running'),
      metrics: handle.metrics, checkpoints: handle.checkpoints, samples: handle.samples,
      savepoint: handle.savepoint, stopWithSavepoint: handle.stopWithSavepoint, queryState: handle.queryState,
    }, webOptions, settings.clock, log);
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
    queryState: none, samples: () => [], web: null,
  };
}
