import type { OutputTag } from './output-tag.ts';

/**
 * Where a function sends its results. Emitted records keep the timestamp of the input record
 * (or of the timer that fired).
 *
 * @example
 * stream.flatMap((line, out) => { for (const w of line.split(' ')) out.collect(w); });
 */
export interface Collector<T> {
  collect(value: T): void;
}

/**
 * A collector that can also write to side outputs.
 *
 * @example
 * out.output(errorsTag, { reason: 'negative amount' });
 */
export interface SideCollector<T> extends Collector<T> {
  output<S>(tag: OutputTag<S>, value: S): void;
}
