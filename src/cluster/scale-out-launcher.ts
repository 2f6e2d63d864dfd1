import { cliHook } from '../job/cli-hook.ts';
import type { JobHandle } from '../job/job-handle.ts';
import type { JobSettings } from '../job/job-settings.ts';
import { explainOnly } from '../job/launcher.ts';
import type { Plan } from '../plan/plan.ts';
import { validatePlan } from '../plan/validate.ts';
import type { ScaleOutOptions } from './scale-out-options.ts';
import { startScaleOut } from './scale-out-job.ts';

/**
 * Starts this process as one instance of a scaled-out job (StreamEnvironment.executeAsync with
 * the `scaleOut` option) and returns its handle: `cancel` leaves the group gracefully; savepoints
 * and state queries are refused. Under `eddy explain` it starts nothing (see explainOnly).
 *
 * @example
 * const job = launchScaledOut(env.plan(), 'counts', settings, { groupId: 'counts', stateDir: '/shared' });
 */
export function launchScaledOut(plan: Plan, jobName: string, settings: JobSettings, scaleOut: ScaleOutOptions): JobHandle {
  const hook = cliHook();
  if (hook?.mode === 'explain') explainOnly(plan, jobName);
  validatePlan(plan);
  const run = startScaleOut(plan, jobName, settings, settings.checkpoints, scaleOut);
  const none = () => Promise.reject(new Error(`job '${jobName}' runs scaled out: savepoints and state queries are per partition task and not offered yet`));
  const handle: JobHandle = {
    name: jobName, result: run.result, metrics: () => run.metrics(), cancel: () => run.stop(), checkpoints: () => [],
    savepoint: none, stopWithSavepoint: none, queryState: none, samples: () => [], exceptions: () => [], web: null,
  };
  hook?.started(handle); // `eddy run` reports on it like any job
  return handle;
}
