/**
 * A window table function's windows, in milliseconds: TUMBLE (size), HOP (size and slide),
 * CUMULATE (size and step), with an offset.
 */
export type WindowSpec =
  | { readonly kind: 'TUMBLE'; readonly size: number; readonly offset: number }
  | { readonly kind: 'HOP'; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly kind: 'CUMULATE'; readonly size: number; readonly step: number; readonly offset: number };

/**
 * The window as Flink's explain writes it.
 *
 * @example
 * describeWindow({ kind: 'HOP', size: 10_000, slide: 2_000, offset: 0 }); // 'HOP(size=[10 s], slide=[2 s])'
 */
export function describeWindow(w: WindowSpec): string {
  const t = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
  const offset = w.offset === 0 ? '' : `, offset=[${t(w.offset)}]`;
  switch (w.kind) {
    case 'TUMBLE': return `TUMBLE(size=[${t(w.size)}]${offset})`;
    case 'HOP': return `HOP(size=[${t(w.size)}], slide=[${t(w.slide)}]${offset})`;
    case 'CUMULATE': return `CUMULATE(max_size=[${t(w.size)}], step=[${t(w.step)}]${offset})`;
  }
}
