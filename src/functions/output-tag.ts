/**
 * Names a side output. Tags are equal when their ids are equal.
 *
 * @example
 * const late = new OutputTag<Click>('late-clicks');
 * windowed.sideOutputLateData(late);
 * result.getSideOutput(late).sinkTo(sinks.jsonl('late.jsonl'));
 */
export class OutputTag<T> {
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (!id) throw new Error('OutputTag needs a non-empty id');
    Object.freeze(this);
  }
}
