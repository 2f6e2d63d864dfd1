import type { Key } from '../functions/key.ts';
import { allKey } from '../plan/all-key.ts';
import { AfterMatchSkipStrategy } from '../cep/after-match-skip-strategy.ts';
import { compilePattern } from '../cep/nfa-compiler.ts';
import { patternProps, type MatchOf, type PatternBuilder, type StageMap } from '../cep/pattern.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import { type KeyedStream, KeyedStreamImpl } from './keyed-stream.ts';
import { PatternStreamImpl, type PatternStream } from './pattern-stream.ts';

/**
 * Options of `CEP.pattern`.
 *
 * @example
 * CEP.pattern(keyed, pattern, { skip: AfterMatchSkipStrategy.skipPastLastEvent() });
 */
export interface CepOptions<S> {
  /** What happens to overlapping partial matches after a match (default: the pattern's, else noSkip). */
  readonly skip?: AfterMatchSkipStrategy<keyof S & string>;
}

/**
 * Pattern detection (complex event processing) on a stream, with Flink CEP's semantics. On a
 * keyed stream each key is matched on its own; a stream that is not keyed is matched as a whole by
 * one operator. The pattern is compiled (and rejected, with the reason, if it cannot run) here.
 *
 * @example
 * const alerts = CEP.pattern(auths.keyBy((a) => a.card), pattern, { skip: AfterMatchSkipStrategy.skipPastLastEvent() })
 *   .process({
 *     processMatch(match, ctx, out) { out.collect({ card: match.declines[0].card, declines: match.declines.length }); },
 *     processTimedOutMatch(match, ctx) { ctx.output(timedOut, { card: match.declines[0].card }); },
 *   });
 */
export const CEP = {
  pattern<T, S extends StageMap, K extends Key = Key>(
    stream: KeyedStream<K, T> | DataStream<T>,
    pattern: PatternBuilder<T, S>,
    options: CepOptions<S> = {},
  ): PatternStream<T, MatchOf<S>> {
    const props = patternProps(pattern);
    const skip = options.skip ?? props.skip ?? AfterMatchSkipStrategy.noSkip();
    const program = compilePattern(props, skip.spec);
    if (stream instanceof KeyedStreamImpl) {
      return new PatternStreamImpl<T, MatchOf<S>>({ graph: stream.graph, input: stream.id, key: stream.key, program, timeDomain: 'event-time', lateTag: null });
    }
    if (stream instanceof DataStreamImpl) {
      // As in Flink: a stream that is not keyed is matched by one operator, under one constant key.
      const graph = stream.graph;
      const id = graph.add({ kind: 'key-by', inputs: [stream.id], key: allKey, name: `cep-all#${graph.plan().nodes.length}` });
      return new PatternStreamImpl<T, MatchOf<S>>({ graph, input: id, key: allKey, program, timeDomain: 'event-time', lateTag: null });
    }
    throw new Error('CEP.pattern(stream, pattern): stream must be a DataStream or KeyedStream of this job');
  },
};
