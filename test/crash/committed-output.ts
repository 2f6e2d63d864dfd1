import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { list, SINKS } from './job-process.ts';

/** Every line of a sink's visible part files (dot files are hidden: in progress or pending), sorted. */
export type Output = Record<(typeof SINKS)[number], string[]>;

/**
 * Reads what the job has committed: all lines of the visible files of each sink directory.
 *
 * @example
 * const out = committedOutput(join(root, 'out')); out.windows.length;
 */
export function committedOutput(out: string): Output {
  return { windows: committedLines(out, 'windows'), late: committedLines(out, 'late'), sessions: committedLines(out, 'sessions'), matches: committedLines(out, 'matches') };
}

/**
 * All lines of the visible part files of one sink directory, sorted.
 *
 * @example
 * committedLines(join(root, 'out'), 'joined').length;
 */
export function committedLines(out: string, sink: string): string[] {
  return list(join(out, sink)).filter((n) => !n.startsWith('.')).sort()
    .flatMap((n) => readFileSync(join(out, sink, n), 'utf8').split('\n').filter((l) => l.length > 0)).sort();
}

/** Hidden files left in the sink directories (in-progress or pending part files). */
export function hiddenFiles(out: string, sinks: readonly string[] = SINKS): string[] {
  return sinks.flatMap((s) => list(join(out, s)).filter((n) => n.startsWith('.')).map((n) => `${s}/${n}`));
}

/** Lines missing from `actual` and lines in it beyond what `expected` has, with their counts. */
export interface Difference {
  readonly missing: [string, number][];
  readonly extra: [string, number][];
}

/**
 * Multiset difference of two lists of lines.
 *
 * @example
 * difference(['a', 'b'], ['a', 'a']); // { missing: [['b', 1]], extra: [['a', 1]] }
 */
export function difference(expected: readonly string[], actual: readonly string[]): Difference {
  const counts = new Map<string, number>();
  for (const l of expected) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (const l of actual) counts.set(l, (counts.get(l) ?? 0) - 1);
  const missing: [string, number][] = [];
  const extra: [string, number][] = [];
  for (const [l, c] of counts) {
    if (c > 0) missing.push([l, c]);
    if (c < 0) extra.push([l, -c]);
  }
  return { missing, extra };
}

/** A short account of a difference, for assertion messages. */
export function describeDifference(sink: string, d: Difference): string {
  const n = (xs: [string, number][]) => xs.reduce((s, [, c]) => s + c, 0);
  const show = (xs: [string, number][]) => xs.slice(0, 3).map(([l, c]) => `    ${c}x ${l}`).join('\n');
  return `${sink}: ${n(d.missing)} line(s) lost, ${n(d.extra)} line(s) duplicated or unexpected` +
    (d.missing.length > 0 ? `\n  lost, e.g.:\n${show(d.missing)}` : '') + (d.extra.length > 0 ? `\n  extra, e.g.:\n${show(d.extra)}` : '');
}
