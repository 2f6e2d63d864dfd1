import type { ResolvedCheckpointConfig } from '../checkpoint/checkpoint-config.ts';
import type { RestoreRequest } from '../checkpoint/restore-request.ts';
import type { RuntimeOptions } from '../runtime/running-graph.ts';
import type { ResolvedWebOptions } from '../ui/web-options.ts';
import type { RestartStrategy } from './restart-strategy.ts';

/**
 * Everything the launcher needs besides the plan: an environment's options with every default
 * filled in (StreamEnvironment resolves them; the launcher never sees the user's raw options).
 *
 * @example
 * launchJob(env.plan(), 'clicks', { ...runtime, guarantee: 'none', checkpoints: null, restore: { from: 'latest' }, restartStrategy: { kind: 'none' }, web: null });
 */
export interface JobSettings extends RuntimeOptions {
  readonly checkpoints: ResolvedCheckpointConfig | null;
  readonly restore: RestoreRequest;
  readonly restartStrategy: RestartStrategy;
  readonly web: ResolvedWebOptions | null;
}
