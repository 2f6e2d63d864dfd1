import type { DataStream } from '../api/data-stream.ts';
import type { Key } from '../functions/key.ts';
import { CumulativeEventTimeWindows, SlidingEventTimeWindows, TumblingEventTimeWindows } from '../window/assigners.ts';
import type { WindowAssigner } from '../window/window-assigner.ts';
import { compileCalc, compilePredicate, compileProjection } from './compile-calc.ts';
import { compileWindowAggregate } from './compile-window-aggregate.ts';
import { formatExpr } from './explain-rel.ts';
import type { Projection, Rel } from './rel.ts';
import { SqlError } from './sql-error.ts';
import type { TableDefinition } from './table-definition.ts';
import { describeWindow, type WindowSpec } from './window-spec.ts';

/** Where a query's operators go: the environment's builder, through the stream of each table. */
export interface PlanTarget {
  /** The stream of a table's source (one per table and job: a table read twice is read once). */
  source(table: TableDefinition): DataStream<unknown>;
  /** Whether DataStreams registered as views can be read (they live on the user's environment). */
  readonly streamsAllowed: boolean;
}

const assignerOf = (w: WindowSpec): WindowAssigner<unknown> => {
  switch (w.kind) {
    case 'TUMBLE': return TumblingEventTimeWindows.of(w.size, w.offset);
    case 'HOP': return SlidingEventTimeWindows.of(w.size, w.slide, w.offset);
    case 'CUMULATE': return CumulativeEventTimeWindows.of(w.size, w.step, w.offset);
  }
};

const names = (projections: readonly Projection[]): string => projections.map((p) => p.name).join(', ');

/**
 * Builds a query's operators with the typed API: a calc is a map, a filter or a flatMap (filter
 * and projection in one pass); a window aggregation is keyBy, window and aggregate, with the
 * select list folded into the window's emit; UNION ALL is union. So `explain` shows the same
 * operators as a typed job, and every per-record function is compiled once, here.
 *
 * @example
 * const stream = planRel(rel, target); stream.sinkTo(sinks.collect());
 */
export function planRel(rel: Rel, target: PlanTarget): DataStream<unknown> {
  switch (rel.kind) {
    case 'scan': return target.source(rel.table);
    case 'stream':
      if (!target.streamsAllowed) {
        throw new SqlError(`the view '${rel.name}' reads a DataStream, which only the job it was built in can run`, { line: 1, column: 1 },
          'read it with tEnv.toDataStream(tEnv.sqlQuery(...)) and sink that stream in your own job');
      }
      return rel.stream;
    case 'union': {
      const [first, ...rest] = rel.inputs.map((r) => planRel(r, target));
      return first.union(...rest).name('UNION ALL');
    }
    case 'window-aggregate': return planWindowAggregate(rel, null, target);
    case 'calc': {
      const { condition, projections, input } = rel;
      if (input.kind === 'window-aggregate' && condition === null && projections !== null) return planWindowAggregate(input, projections, target);
      const stream = planRel(input, target);
      if (projections === null) {
        if (condition === null) return stream;
        return stream.filter(compilePredicate(condition)).name(`Calc(where=[${formatExpr(condition)}])`);
      }
      const select = `select=[${names(projections)}]`;
      if (condition === null) return stream.map(compileProjection(projections)).name(`Calc(${select})`);
      return stream.flatMap(compileCalc(condition, projections)).name(`Calc(${select}, where=[${formatExpr(condition)}])`);
    }
  }
}

function planWindowAggregate(rel: Rel & { kind: 'window-aggregate' }, projections: readonly Projection[] | null, target: PlanTarget): DataStream<unknown> {
  const input = planRel(rel.input, target);
  const compiled = compileWindowAggregate(rel.keys, rel.aggregates, projections);
  const groups = rel.keys.map((k) => formatExpr(k)).join(', ');
  const aggs = rel.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.arg === null ? '*' : formatExpr(a.arg)})`).join(', ');
  return input.keyBy<Key>(compiled.key)
    .window(assignerOf(rel.window))
    .aggregate(compiled.aggregate, compiled.emit)
    .name(`WindowAggregate(${groups === '' ? '' : `groupBy=[${groups}], `}window=[${describeWindow(rel.window)}], select=[${aggs}]${projections === null ? '' : `, project=[${names(projections)}]`})`);
}
