import { AfterMatchSkipStrategy, Pattern, type PatternBuilder } from '../../src/index.ts';
import type { Ev } from './cep-harness.ts';

/*
 * The fixed patterns compared with Flink CEP 1.20. bench/peers/flink/src/main/java/eddy/bench/cep/
 * ParityPatterns.java holds the same patterns under the same names in Flink's API: keep the two in step.
 */

export interface ParitySpec {
  readonly pattern: PatternBuilder<Ev, any>;
  readonly skip?: AfterMatchSkipStrategy<string>;
  readonly timeouts: boolean;
  /** Flink stamps an absence with the watermark that revealed it, Eddy with when it became certain. */
  readonly compareTimestamps: boolean;
}

const kind = (k: string) => (e: Ev) => e.kind === k;
const P = Pattern.of<Ev>();

function bSumAtMost(limit: number) {
  return (e: Ev, ctx: { getEventsForPattern(name: 'b'): readonly Ev[] }) => {
    let sum = e.value;
    for (const b of ctx.getEventsForPattern('b')) sum += b.value;
    return e.kind === 'b' && sum <= limit;
  };
}

const spec = (pattern: PatternBuilder<Ev, any>, timeouts = false, compareTimestamps = true): ParitySpec => ({ pattern, timeouts, compareTimestamps });

export const PARITY_PATTERNS: Record<string, ParitySpec> = {
  'strict': spec(P.begin('a').where(kind('a')).next('b').where(kind('b')).next('c').where(kind('c'))),
  'relaxed': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).followedBy('c').where(kind('c'))),
  'any': spec(P.begin('a').where(kind('a')).followedByAny('b').where(kind('b')).followedByAny('c').where(kind('c'))),
  'not-next': spec(P.begin('a').where(kind('a')).notNext('x').where(kind('b')).followedBy('c').where(kind('c'))),
  'not-next-end': spec(P.begin('a').where(kind('a')).notNext('x').where(kind('b'))),
  'not-followed-mid': spec(P.begin('a').where(kind('a')).notFollowedBy('x').where(kind('b')).followedBy('c').where(kind('c'))),
  'absence': spec(P.begin('a').where(kind('a')).notFollowedBy('x').where(kind('b')).within(6), false, false),
  'times-consecutive': spec(P.begin('a').where(kind('a')).times(3).consecutive()),
  'times-range': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).times(2, 3).followedBy('c').where(kind('c'))),
  'one-or-more': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).oneOrMore().followedBy('c').where(kind('c'))),
  // Combinations grow exponentially without a window (on both systems): this one is bounded.
  'combinations': spec(P.begin('a').where(kind('a')).followedByAny('b').where(kind('b')).oneOrMore().allowCombinations().followedBy('c').where(kind('c')).within(8), true),
  'times-or-more-consecutive': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).timesOrMore(2).consecutive().next('c').where(kind('c'))),
  'optional-mid': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).optional().followedBy('c').where(kind('c'))),
  'optional-begin': spec(P.begin('a').where(kind('a')).optional().next('b').where(kind('b'))),
  'greedy': spec(P.begin('a').where(kind('a')).followedBy('b').where((e) => e.value >= 3).oneOrMore().greedy().followedBy('c').where(kind('c'))),
  'until': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).oneOrMore().until(kind('d')).followedBy('c').where(kind('c'))),
  'group-times': spec(P.begin('a').where(kind('a'))
    .followedBy(P.begin('b').where(kind('b')).next('c').where(kind('c'))).times(2)
    .followedBy('d').where(kind('d'))),
  'group-optional': spec(P.begin('a').where(kind('a'))
    .next(P.begin('b').where(kind('b')).followedBy('c').where(kind('c'))).optional()
    .followedBy('d').where(kind('d'))),
  'group-begin-loop': spec(P.begin(P.begin('a').where(kind('a')).next('b').where(kind('b'))).oneOrMore()
    .followedBy('c').where(kind('c')).within(12), true),
  'within-timeouts': spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).oneOrMore()
    .followedBy('c').where(kind('c')).within(6), true),
  'begin-loop-within': spec(P.begin('a').where(kind('a')).oneOrMore().followedBy('b').where(kind('b')).within(5), true),
  'iterative': spec(P.begin('a').where(kind('a')).followedBy('b').where(bSumAtMost(10)).oneOrMore().followedBy('c').where(kind('c'))),
};

const SKIPS: Record<string, AfterMatchSkipStrategy<string>> = {
  'skip-to-next': AfterMatchSkipStrategy.skipToNext(),
  'skip-past-last': AfterMatchSkipStrategy.skipPastLastEvent(),
  'skip-to-first-b': AfterMatchSkipStrategy.skipToFirst('b'),
  'skip-to-last-b': AfterMatchSkipStrategy.skipToLast('b'),
};
for (const [name, skip] of Object.entries(SKIPS)) {
  PARITY_PATTERNS[`one-or-more-${name}`] = {
    ...spec(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).oneOrMore().followedBy('c').where(kind('c')).within(10), true), skip,
  };
  PARITY_PATTERNS[`any-${name}`] = { ...spec(P.begin('a').where(kind('a')).followedByAny('b').where(kind('b')).followedByAny('c').where(kind('c'))), skip };
}
