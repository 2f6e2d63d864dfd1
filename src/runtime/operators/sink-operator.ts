import type { SinkWriter } from '../../connectors/sink.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';

/**
 * Hands batches to a sink writer (which only buffers; the runner does the I/O).
 *
 * @example
 * new SinkOperator(sinks.collect().createWriter({ operatorName: 'out', guarantee: 'none' }));
 */
export class SinkOperator<T> implements Operator<T, never> {
  constructor(readonly writer: SinkWriter<T>) {}
  open(_ctx: OperatorContext, _out: Output<never>): void {}
  process(batch: Batch<T>): void {
    this.writer.write(batch.values, batch.times, batch.length);
  }
}
