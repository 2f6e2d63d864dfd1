import type { CepSkip } from '../plan/cep-program.ts';

/**
 * What happens to the other partial matches of a key after a match is emitted (Flink's
 * AfterMatchSkipStrategy). `noSkip` keeps them all; the others drop those that started too early:
 * `skipToNext` drops those that started with the match's first event, `skipPastLastEvent` those
 * that started at or before its last event, `skipToFirst(stage)` / `skipToLast(stage)` those that
 * started before the first / last event of that stage in the match. The type parameter is the
 * stage a strategy names, so that a misspelled stage is a compile error at `CEP.pattern`.
 *
 * @example
 * CEP.pattern(keyed, pattern, { skip: AfterMatchSkipStrategy.skipPastLastEvent() });
 * CEP.pattern(keyed, pattern, { skip: AfterMatchSkipStrategy.skipToFirst('approved') });
 */
export class AfterMatchSkipStrategy<N extends string = never> {
  declare readonly __stage?: N;

  private constructor(readonly spec: CepSkip) {
    Object.freeze(this);
  }

  /** Every match is emitted, however they overlap. */
  static noSkip(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy({ kind: 'no-skip', stage: null, throwOnMiss: false });
  }

  /** Drops the partial matches that started with the same event as the match. */
  static skipToNext(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy({ kind: 'skip-to-next', stage: null, throwOnMiss: false });
  }

  /** Drops the partial matches that started at or before the match's last event: matches never overlap. */
  static skipPastLastEvent(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy({ kind: 'skip-past-last-event', stage: null, throwOnMiss: false });
  }

  /** Drops the partial matches that started before the first event of stage `name` in the match. */
  static skipToFirst<const N extends string>(name: N): AfterMatchSkipStrategy<N> {
    return new AfterMatchSkipStrategy<N>({ kind: 'skip-to-first', stage: checkName(name), throwOnMiss: false });
  }

  /** Drops the partial matches that started before the last event of stage `name` in the match. */
  static skipToLast<const N extends string>(name: N): AfterMatchSkipStrategy<N> {
    return new AfterMatchSkipStrategy<N>({ kind: 'skip-to-last', stage: checkName(name), throwOnMiss: false });
  }

  /**
   * Fails the job when a match has no event in the named stage, or when skipping to it would skip
   * to the match's own first event (which would find the same match again).
   */
  throwExceptionOnMiss(): AfterMatchSkipStrategy<N> {
    if (this.spec.stage === null) throw new Error(`throwExceptionOnMiss() applies to skipToFirst and skipToLast, not to ${this.spec.kind}`);
    return new AfterMatchSkipStrategy<N>({ ...this.spec, throwOnMiss: true });
  }

  toString(): string {
    return this.spec.stage === null ? this.spec.kind : `${this.spec.kind}('${this.spec.stage}')`;
  }
}

function checkName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new Error('AfterMatchSkipStrategy: the stage name must be a non-empty string');
  return name;
}
