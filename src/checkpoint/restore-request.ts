/**
 * Where a job with checkpoints starts: from its newest valid checkpoint (the default, so a
 * restarted job resumes by itself), from scratch, or from a given checkpoint or savepoint.
 *
 * @example
 * StreamEnvironment.create({ checkpoints: { dir: 'ckpt' }, restore: { from: 'path', path: 'savepoints/sp-1' } });
 */
export type RestoreRequest =
  | { readonly from: 'latest' }
  | { readonly from: 'fresh' }
  | { readonly from: 'path'; readonly path: string; readonly allowNonRestoredState?: boolean };
