import type { CepCondition } from '../plan/cep-program.ts';
import type { AfterMatchSkipStrategy } from './after-match-skip-strategy.ts';

/**
 * How a stage's first event relates to the event before it; the `not-*` kinds are negated stages.
 *
 * @example
 * const c: Consuming = 'relaxed'; // followedBy
 */
export type Consuming = 'strict' | 'relaxed' | 'any' | 'not-next' | 'not-followed-by';

/**
 * How the events inside a looping or times stage relate to each other.
 *
 * @example
 * const inner: InnerContiguity = 'strict'; // consecutive()
 */
export type InnerContiguity = 'strict' | 'relaxed' | 'any';

/**
 * One stage of a pattern as the builder recorded it, frozen: a linked list back to `begin`, as
 * Flink's Pattern is. A group stage has an empty `name` and its inner pattern's last stage in
 * `group`.
 *
 * @example
 * const props = patternProps(Pattern.begin<number>('a').oneOrMore()); props.quantifier; // 'looping'
 */
export interface StageProps {
  readonly name: string;
  readonly previous: StageProps | null;
  readonly group: StageProps | null;
  readonly consuming: Consuming;
  readonly quantifier: 'single' | 'looping' | 'times';
  readonly optional: boolean;
  readonly greedy: boolean;
  readonly inner: InnerContiguity;
  readonly from: number;
  readonly to: number;
  readonly condition: CepCondition | null;
  readonly until: CepCondition | null;
  readonly within: number | null;
  readonly skip: AfterMatchSkipStrategy<string> | null;
  /** The calls that built this stage, for explain and error messages. */
  readonly text: string;
}

/** The stages of a pattern from `begin` to `last`, in order. @example stagesOf(props).map((s) => s.name) */
export function stagesOf(last: StageProps): StageProps[] {
  const out: StageProps[] = [];
  for (let s: StageProps | null = last; s !== null; s = s.previous) out.push(s);
  return out.reverse();
}

/** The pattern as written, e.g. `begin('a').where(..).next('b')`. @example describePattern(props) */
export function describePattern(last: StageProps): string {
  return stagesOf(last).map((s) => s.text).join('.');
}
