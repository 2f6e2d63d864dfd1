/**
 * An error thrown by an operator (usually by user code in it), with the operator and, once the
 * source task has seen it, the input position the failing batch came from.
 *
 * @example
 * try { await env.execute(); } catch (e) { if (e instanceof OperatorError) console.error(e.operator, e.position); }
 */
export class OperatorError extends Error {
  constructor(
    readonly operator: string,
    override readonly cause: unknown,
    readonly position: string | null = null,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`operator '${operator}' failed${position ? ` on input from ${position}` : ''}: ${why}`);
    this.name = 'OperatorError';
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\ncaused by ${cause.stack}`;
  }

  /** Wraps `e` unless it already names an operator. */
  static wrap(operator: string, e: unknown): OperatorError {
    return e instanceof OperatorError ? e : new OperatorError(operator, e);
  }

  /** The same error, now saying which input position it came from. */
  withPosition(position: string): OperatorError {
    return this.position === null ? new OperatorError(this.operator, this.cause, position) : this;
  }
}
