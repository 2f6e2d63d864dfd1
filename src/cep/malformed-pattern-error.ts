/**
 * A pattern that cannot be compiled: says which stage and why, and what to write instead.
 *
 * @example
 * try { Pattern.begin<number>('a').until((x) => x > 3); } catch (e) { e instanceof MalformedPatternError; } // true
 */
export class MalformedPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPatternError';
  }
}
