import { fileURLToPath } from 'node:url';

/**
 * An error as the CLI prints it: the message (an OperatorError's names the operator and the
 * input position) and the one stack frame that most likely points at the user's code; the whole
 * stack only when `verbose`.
 *
 * @example
 * describeError(new Error('no such file'), false); // "no such file\n    at file:///job.ts:3:9"
 */
export function describeError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (verbose) return error.stack ?? error.message;
  // An OperatorError wraps what the user's function threw; that is where the frame worth showing is.
  const origin = error.name === 'OperatorError' && error.cause instanceof Error ? error.cause : error;
  const frame = firstUserFrame(origin.stack);
  return `${error.message}${frame ? `\n    ${frame}` : ''}\n    (--verbose prints the full stack)`;
}

/** Eddy's own sources (src/ or dist/), as a URL and as a path: frames there are not where the user should look. */
const EDDY_ROOTS = [new URL('../', import.meta.url).href, fileURLToPath(new URL('../', import.meta.url))];

/** The first `at ...` line outside Node's internals, installed packages and Eddy itself. */
function firstUserFrame(stack: string | undefined): string | undefined {
  return stack?.split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('at ') && !/\(?node:|\/node_modules\//.test(line) && !EDDY_ROOTS.some((root) => line.includes(root)));
}
