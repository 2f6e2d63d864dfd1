import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';

/**
 * Merges inputs of the same type; batches pass through uncopied. The node's watermark is the
 * minimum over its inputs that are not idle.
 *
 * @example
 * new UnionOperator<Click>();
 */
export class UnionOperator<T> implements Operator<T, T> {
  private out!: Output<T>;
  open(_ctx: OperatorContext, out: Output<T>): void {
    this.out = out;
  }
  process(batch: Batch<T>): void {
    this.out.forward(batch);
  }
}
