import type { Key } from 'eddy';
import type { RunInfo } from './eddy-windows.ts';
import { type BenchEvent, OUT_OF_ORDERNESS_MS } from './events.ts';
import type { Tally } from './tally.ts';

const WATERMARK_EVERY = 1024;

/** One key's pane sums in a ring: slot s holds the pane starting at starts[s] (NaN when free). */
interface KeyPanes {
  readonly sums: number[];
  readonly starts: number[];
  live: number;
}

/**
 * A second baseline for sliding windows, laid out key-major: Map<key, ring of pane sums>. A record
 * costs one Map lookup, and firing a window walks the keys and sums their ring slots without any
 * hashing, where the pane-major loop (handSlidingSum, and Eddy) hashes every key of every pane
 * into a merge Map. It relies on what this workload guarantees, that a key's live panes fit in a
 * ring of size/slide + 2 (records are at most 1.5 s ahead of the watermark), and says so if not.
 *
 * @example
 * handSlidingSumKeyMajor(1_000_000, numericEvent, 60_000, 10_000, new Tally());
 */
export function handSlidingSumKeyMajor<K extends Key>(
  events: number, make: (i: number) => BenchEvent<K>, size: number, slide: number, tally: Tally,
): RunInfo {
  if (size % slide !== 0) throw new Error(`handSlidingSumKeyMajor needs size (${size}) to be a multiple of slide (${slide})`);
  const ring = size / slide + 2;
  const keys = new Map<K, KeyPanes>();
  const s = { nextEnd: Number.POSITIVE_INFINITY, firedUpTo: Number.NEGATIVE_INFINITY };
  let maxTs = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  let late = 0;
  for (let i = 0; i < events; i++) {
    const e = make(i);
    const ts = e.ts;
    if (ts > maxTs) maxTs = ts;
    const ps = ts - (ts % slide);
    if (ps + size - 1 <= wm) {
      late++;
    } else {
      let kp = keys.get(e.key);
      if (kp === undefined) {
        kp = { sums: new Array<number>(ring).fill(0), starts: new Array<number>(ring).fill(Number.NaN), live: 0 };
        keys.set(e.key, kp);
      }
      const slot = (ps / slide) % ring;
      if (kp.starts[slot] !== ps) {
        if (kp.starts[slot] === kp.starts[slot]) throw new Error(`pane ring of ${ring} too small at ${ps}`);
        kp.starts[slot] = ps;
        kp.sums[slot] = 0;
        kp.live++;
        const firstEnd = Math.max(ps + slide, s.firedUpTo + slide);
        if (firstEnd < s.nextEnd) s.nextEnd = firstEnd;
      }
      kp.sums[slot] += e.value;
    }
    if ((i + 1) % WATERMARK_EVERY === 0 && maxTs - OUT_OF_ORDERNESS_MS - 1 > wm) {
      wm = maxTs - OUT_OF_ORDERNESS_MS - 1;
      fire(keys, s, size, slide, wm, tally);
    }
  }
  fire(keys, s, size, slide, Number.POSITIVE_INFINITY, tally);
  return { late };
}

function fire<K extends Key>(
  keys: Map<K, KeyPanes>, s: { nextEnd: number; firedUpTo: number }, size: number, slide: number, wm: number, tally: Tally,
): void {
  while (keys.size > 0 && s.nextEnd - 1 <= wm) {
    const end = s.nextEnd;
    const from = end - size;
    keys.forEach((kp, k) => {
      let sum = 0;
      let any = false;
      for (let slot = 0; slot < kp.starts.length; slot++) {
        const st = kp.starts[slot];
        if (st >= from && st < end) {
          sum += kp.sums[slot];
          any = true;
          // This was the pane's last window.
          if (st === from) {
            kp.starts[slot] = Number.NaN;
            kp.live--;
          }
        }
      }
      if (any) tally.add(k, end, sum);
      if (kp.live === 0) keys.delete(k);
    });
    s.firedUpTo = end;
    s.nextEnd = keys.size > 0 ? end + slide : Number.POSITIVE_INFINITY;
  }
}
