// Interval join against a brute-force oracle on random out-of-order input, every join type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { arbOps, type JOp, type JRec, type Pair, runJoin, sorted, watermarksBefore } from './join-harness.ts';

type Kind = 'inner' | 'left' | 'right' | 'full';

/**
 * The oracle: a record is accepted when its ts is above the join's watermark on arrival (else it
 * is late); every accepted left l and right r of a key with lower <= r.ts - l.ts <= upper pair up
 * at max(l.ts, r.ts). Outer: an accepted record with no pair is emitted alone, at the time it
 * leaves the state (the end of its interval), or at once (its own ts) if that has passed already.
 */
function oracle(ops: readonly JOp[], lower: number, upper: number, kind: Kind): { out: Pair[]; late: number } {
  const wms = watermarksBefore(ops);
  const acc: { side: 0 | 1; rec: JRec; wm: number }[] = [];
  let late = 0;
  ops.forEach((op, i) => {
    if (op.op !== 'push') return;
    if (op.rec.ts <= wms[i]) late++;
    else acc.push({ side: op.side, rec: op.rec, wm: wms[i] });
  });
  const out: Pair[] = [];
  const matched = new Set<number>();
  for (const l of acc) {
    if (l.side !== 0) continue;
    for (const r of acc) {
      if (r.side !== 1 || r.rec.k !== l.rec.k) continue;
      const d = r.rec.ts - l.rec.ts;
      if (d < lower || d > upper) continue;
      out.push({ l: l.rec.id, r: r.rec.id, time: Math.max(l.rec.ts, r.rec.ts) });
      matched.add(l.rec.id).add(r.rec.id);
    }
  }
  for (const a of acc) {
    if (matched.has(a.rec.id)) continue;
    if (!(kind === 'full' || (a.side === 0 ? kind === 'left' : kind === 'right'))) continue;
    const expires = a.side === 0 ? a.rec.ts + upper : a.rec.ts - lower;
    const time = expires > a.wm ? Math.max(a.rec.ts, expires) : a.rec.ts;
    out.push(a.side === 0 ? { l: a.rec.id, r: null, time } : { l: null, r: a.rec.id, time });
  }
  return { out, late };
}

const bounds = fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 0, max: 50 })).map(([lo, w]) => [lo, lo + w] as const);

for (const kind of ['inner', 'left', 'right', 'full'] as const) {
  test(`interval join (${kind}) equals the oracle on random out-of-order input with late records`, () => {
    fc.assert(fc.property(arbOps(), bounds, (ops, [lower, upper]) => {
      const got = runJoin((l, r) => {
        const j = l.intervalJoin(r).between(lower, upper);
        const typed = kind === 'inner' ? j : kind === 'left' ? j.leftOuter() : kind === 'right' ? j.rightOuter() : j.fullOuter();
        return typed.apply((a: JRec | null, b: JRec | null) => ({ l: a?.id ?? null, r: b?.id ?? null, time: 0 }));
      }, ops);
      const want = oracle(ops, lower, upper, kind);
      assert.deepEqual(sorted(got.out), sorted(want.out));
      assert.equal(got.lateDropped, want.late);
    }), { numRuns: 300 });
  });
}
