import type { Batch } from './batch.ts';

/**
 * An error thrown by an operator (usually by user code in it), with the operator and, once the
 * source task has seen it, the input position of the record it failed on: the source record's
 * own position (`file:line`) when the operator got that record or it passed unchanged (filter),
 * else the positions of the source batch it was derived from, with a preview of the record.
 *
 * @example
 * try { await env.execute(); } catch (e) { if (e instanceof OperatorError) console.error(e.operator, e.position, e.record); }
 */
export class OperatorError extends Error {
  constructor(
    readonly operator: string,
    override readonly cause: unknown,
    readonly position: string | null = null,
    /** A preview of the record the operator failed on, when it was derived from the input at `position` (after a map). */
    readonly record: string | null = null,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const on = position === null ? '' : record === null ? ` on input from ${position}` : ` on ${record}, derived from input ${position}`;
    super(`operator '${operator}' failed${on}: ${why}`);
    this.name = 'OperatorError';
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\ncaused by ${cause.stack}`;
  }

  /** Wraps `e` unless it already names an operator; keeps the record an operator said it failed on. */
  static wrap(operator: string, e: unknown): OperatorError {
    if (e instanceof OperatorError) return e;
    if (e instanceof RecordFailure) {
      const err = new OperatorError(operator, e.cause);
      failedInputs.set(err, { batch: e.batch, index: e.index });
      return err;
    }
    return new OperatorError(operator, e);
  }

  /** The same error, now saying which input position it came from. */
  withPosition(position: string, record: string | null = null): OperatorError {
    return this.position === null ? new OperatorError(this.operator, this.cause, position, record) : this;
  }
}

/** Where in its input an operator failed: the batch it was processing and the record's index. */
export interface FailedInput {
  readonly batch: Batch<unknown>;
  readonly index: number;
}

/** Kept beside the error rather than on it: only the source task reads it, on the way out. */
const failedInputs = new WeakMap<OperatorError, FailedInput>();

/**
 * The input record an operator reported failing on (see `failedAt`); null if it did not say.
 * Valid only while the error unwinds to the source task that delivered the batch.
 *
 * @example
 * const at = failedInputOf(err); if (at !== null) console.log(at.batch.values[at.index]);
 */
export function failedInputOf(e: OperatorError): FailedInput | null {
  return failedInputs.get(e) ?? null;
}

/** What an operator throws when its code failed on record `index` of `batch`. */
class RecordFailure extends Error {
  constructor(override readonly cause: unknown, readonly batch: Batch<unknown>, readonly index: number) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Wraps what an operator's loop caught so that the error can name the record: call it from one
 * try/catch around the loop, with the index kept in a variable, so that nothing is paid per record
 * when nothing fails. An error from further downstream (already an OperatorError) passes as is.
 *
 * @example
 * let i = 0;
 * try { for (; i < n; i++) out.emit(fn(values[i]), times[i]); } catch (e) { throw failedAt(e, batch, i); }
 */
export function failedAt(e: unknown, batch: Batch<unknown>, index: number): Error {
  if (e instanceof OperatorError || e instanceof RecordFailure) return e;
  if (index >= batch.length) return e instanceof Error ? e : new Error(String(e));
  return new RecordFailure(e, batch, index);
}

/**
 * For an operator that hands its input to another one record for record (a window join wraps
 * each record in a tagged one): a failure on the inner batch becomes one on the same index of
 * the outer batch.
 *
 * @example
 * try { this.inner.process(tagged); } catch (e) { throw sameRecordIn(e, tagged, batch); }
 */
export function sameRecordIn(e: unknown, inner: Batch<unknown>, outer: Batch<unknown>): unknown {
  return e instanceof RecordFailure && e.batch === inner ? new RecordFailure(e.cause, outer, e.index) : e;
}
