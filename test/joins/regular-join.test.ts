// Regular join (unbounded, or with a processing-time TTL) against a brute-force oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { arbOps, type JOp, type JRec, type Pair, runJoin, sorted } from './join-harness.ts';

type Kind = 'inner' | 'left' | 'right' | 'full';

/**
 * Two records of a key pair up when the second arrives while the first is still kept: forever
 * without TTL, else while first.arrival + ttl > now. An outer join emits a record that never paired
 * (at its own ts) when it leaves; every record leaves at the end of input. Event time is ignored.
 */
function oracle(ops: readonly JOp[], ttl: number | null, kind: Kind): Pair[] {
  let now = 0;
  const seen: { side: 0 | 1; rec: JRec; at: number; m: boolean }[] = [];
  const out: Pair[] = [];
  for (const op of ops) {
    if (op.op === 'clock') now += op.by;
    if (op.op !== 'push') continue;
    let m = false;
    for (const e of seen) {
      if (e.side === op.side || e.rec.k !== op.rec.k || (ttl !== null && e.at + ttl <= now)) continue;
      m = e.m = true;
      const [l, r] = op.side === 0 ? [op.rec, e.rec] : [e.rec, op.rec];
      out.push({ l: l.id, r: r.id, time: Math.max(l.ts, r.ts) });
    }
    seen.push({ side: op.side, rec: op.rec, at: now, m });
  }
  for (const e of seen) {
    if (e.m || !(kind === 'full' || (e.side === 0 ? kind === 'left' : kind === 'right'))) continue;
    out.push(e.side === 0 ? { l: e.rec.id, r: null, time: e.rec.ts } : { l: null, r: e.rec.id, time: e.rec.ts });
  }
  return out;
}

for (const kind of ['inner', 'left', 'right', 'full'] as const) {
  for (const ttl of [null, 25]) {
    test(`regular join (${kind}, ${ttl === null ? 'no TTL' : `TTL ${ttl} ms`}) equals the oracle`, () => {
      fc.assert(fc.property(arbOps(200, true), (ops) => {
        const got = runJoin((l, r) => {
          const base = l.join(r).regular();
          const j = ttl === null ? base : base.withTtl(ttl);
          const typed = kind === 'inner' ? j : kind === 'left' ? j.leftOuter() : kind === 'right' ? j.rightOuter() : j.fullOuter();
          return typed.apply((a: JRec | null, b: JRec | null) => ({ l: a?.id ?? null, r: b?.id ?? null, time: 0 }));
        }, ops);
        assert.deepEqual(sorted(got.out), sorted(oracle(ops, ttl, kind)));
        assert.equal(got.lateDropped, 0);
      }), { numRuns: 200 });
    });
  }
}
