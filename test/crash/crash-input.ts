import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashEvent } from './fixtures/crash-job.ts';

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same input and the same kill schedule
 * on every run, so a failure can be replayed.
 *
 * @example
 * const rnd = prng(42); rnd(); // 0.6011...
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** How much input to write; both sources cover the same stretch of event time. */
export interface CrashInputSpec {
  readonly seed: number;
  /** Events per source directory. */
  readonly perSource: { readonly a: number; readonly b: number };
  /** Files per source directory (read one after the other, each a split). */
  readonly files: { readonly a: number; readonly b: number };
  /** Event time covered, in ms. */
  readonly spanMs: number;
}

/** What was written, for the test's own sanity checks. */
export interface CrashInputSummary {
  readonly events: number;
  readonly files: number;
  /** Events moved back further than the watermark bound (late for the windows, some beyond lateness). */
  readonly outOfBound: number;
}

/**
 * Writes the deterministic JSON Lines input of the crash job: `<dir>/a/part-<n>.jsonl` and
 * `<dir>/b/part-<n>.jsonl`. Timestamps rise through each directory with jitter: most events are
 * within the 1 s out-of-orderness bound, some are 1-7 s behind (late for a window, often within its
 * allowed lateness, so windows fire again), and a few are 20-40 s behind (late beyond allowed
 * lateness: the late side outputs). 200 users and 12 pages.
 *
 * @example
 * writeCrashInput(join(root, 'input'), { seed: 7, perSource: { a: 24_000, b: 16_000 }, files: { a: 3, b: 2 }, spanMs: 600_000 });
 */
export function writeCrashInput(dir: string, spec: CrashInputSpec): CrashInputSummary {
  const rnd = prng(spec.seed);
  let outOfBound = 0;
  let files = 0;
  for (const src of ['a', 'b'] as const) {
    const n = spec.perSource[src];
    const nFiles = spec.files[src];
    const perFile = Math.ceil(n / nFiles);
    mkdirSync(join(dir, src), { recursive: true });
    for (let f = 0; f < nFiles; f++) {
      const lines: string[] = [];
      for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
        const r = rnd();
        let jitter = -Math.floor(rnd() * 900);
        if (r < 0.02) jitter = -20_000 - Math.floor(rnd() * 20_000);
        else if (r < 0.1) jitter = -1_000 - Math.floor(rnd() * 6_000);
        if (jitter <= -1_000) outOfBound++;
        const e: CrashEvent = {
          id: `${src}${i}`,
          u: `u${Math.floor(rnd() * 200)}`,
          p: `/p${Math.floor(rnd() * 12)}`,
          ts: Math.max(0, Math.floor((i * spec.spanMs) / n) + jitter),
          v: 1 + Math.floor(rnd() * 9),
        };
        lines.push(JSON.stringify(e));
      }
      writeFileSync(join(dir, src, `part-${f}.jsonl`), `${lines.join('\n')}\n`);
      files++;
    }
  }
  return { events: spec.perSource.a + spec.perSource.b, files, outOfBound };
}
