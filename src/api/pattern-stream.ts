import type { KeySelector } from '../functions/key.ts';
import type { OutputTag } from '../functions/output-tag.ts';
import type { PatternProcessFunction } from '../functions/pattern-function.ts';
import type { CepProgram } from '../plan/cep-program.ts';
import { type DataStream, DataStreamImpl } from './data-stream.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { instancePerTask } from '../plan/function-factory.ts';

/**
 * The matches of a pattern on a stream, before they are turned into output: choose the time
 * domain and where late events go, then `process` or `select`. Nothing runs until the job does.
 *
 * @example
 * CEP.pattern(auths.keyBy((a) => a.card), pattern)
 *   .sideOutputLateData(lateAuths)
 *   .select((m) => ({ card: m.approved[0].card, declines: m.declines.length }));
 */
export interface PatternStream<T, M> {
  /** Matches events as they arrive, by the clock, instead of by event time. */
  inProcessingTime(): PatternStream<T, M>;
  /** Matches events in timestamp order as the watermark passes them (the default). */
  inEventTime(): PatternStream<T, M>;
  /** Events at or behind the watermark when they arrive go to this side output (otherwise dropped and counted). */
  sideOutputLateData(tag: OutputTag<T>): PatternStream<T, M>;
  /** Turns each match (and, with processTimedOutMatch, each timed-out partial match) into output. */
  process<R>(fn: PatternProcessFunction<M, R>): DataStream<R>;
  /** One output per match. */
  select<R>(fn: (match: M) => R): DataStream<R>;
}

interface PatternStreamProps {
  readonly graph: GraphBuilder;
  readonly input: number;
  readonly key: KeySelector;
  readonly program: CepProgram;
  readonly timeDomain: 'event-time' | 'processing-time';
  readonly lateTag: OutputTag<unknown> | null;
}

/**
 * @internal The one implementation of PatternStream: one frozen props object.
 *
 * @example
 * new PatternStreamImpl({ graph, input, key, program, timeDomain: 'event-time', lateTag: null }).select((m) => m);
 */
export class PatternStreamImpl<T, M> implements PatternStream<T, M> {
  constructor(private readonly props: PatternStreamProps) {
    Object.freeze(this);
  }

  private with(change: Partial<PatternStreamProps>): PatternStream<T, M> {
    return new PatternStreamImpl<T, M>(Object.freeze({ ...this.props, ...change }));
  }

  inProcessingTime(): PatternStream<T, M> {
    return this.with({ timeDomain: 'processing-time' });
  }

  inEventTime(): PatternStream<T, M> {
    return this.with({ timeDomain: 'event-time' });
  }

  sideOutputLateData(tag: OutputTag<T>): PatternStream<T, M> {
    return this.with({ lateTag: tag as OutputTag<unknown> });
  }

  process<R>(fn: PatternProcessFunction<M, R>): DataStream<R> {
    if (fn === null || typeof fn !== 'object' || typeof fn.processMatch !== 'function') {
      throw new Error('CEP.pattern(...).process(fn): fn must be an object with a processMatch(match, ctx, out) method');
    }
    const p = this.props;
    const id = p.graph.add({
      kind: 'cep', inputs: [p.input], key: p.key, program: p.program, fn: instancePerTask(fn as PatternProcessFunction<unknown, unknown>),
      timeDomain: p.timeDomain, lateTag: p.lateTag,
    });
    return new DataStreamImpl<R>(p.graph, id);
  }

  select<R>(fn: (match: M) => R): DataStream<R> {
    if (typeof fn !== 'function') throw new Error('CEP.pattern(...).select(fn): fn must be a function (match) => output');
    return this.process<R>({ processMatch: (match, _ctx, out) => out.collect(fn(match)) });
  }
}
