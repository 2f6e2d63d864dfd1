// Window join against the window oracle of test/window (the join is a coGroup of both sides in
// shared windows): random out-of-order input with late records, tumbling, sliding and session
// windows, every join type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventTimeSessionWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, type WindowAssigner } from 'eddy';
import { type AssignerSpec, type Op, runOracle } from '../window/window-oracle.ts';
import { arbOps, type JOp, type JRec, type Pair, runJoin, sorted } from './join-harness.ts';

type Kind = 'inner' | 'left' | 'right' | 'full';

function oracle(ops: readonly JOp[], assigner: AssignerSpec, kind: Kind): { out: Pair[]; late: number } {
  const wm = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const wops: Op[] = [];
  for (const op of ops) {
    if (op.op === 'push') wops.push({ op: 'push', rec: { k: op.rec.k, ts: op.rec.ts, v: op.side, id: op.rec.id } });
    else if (op.op === 'end') wops.push({ op: 'end' });
    else if (op.op === 'watermark') {
      wm[op.side] = Math.max(wm[op.side], op.to);
      wops.push({ op: 'watermark', to: Math.min(wm[0], wm[1]) });
    }
  }
  // Pushes never move the oracle's watermark: the join's comes from the manual advances only.
  const steps = runOracle({ assigner, time: 'event', allowedLateness: 0, outOfOrderness: 1e12, continuous: null }, wops);
  const out: Pair[] = [];
  let late = 0;
  for (const s of steps) {
    late += s.late.length;
    for (const f of s.fired) {
      const ls = f.elements.filter((e) => e.v === 0);
      const rs = f.elements.filter((e) => e.v === 1);
      const time = f.end - 1;
      if (ls.length > 0 && rs.length > 0) for (const l of ls) for (const r of rs) out.push({ l: l.id, r: r.id, time });
      else if (rs.length === 0 && (kind === 'left' || kind === 'full')) for (const l of ls) out.push({ l: l.id, r: null, time });
      else if (ls.length === 0 && (kind === 'right' || kind === 'full')) for (const r of rs) out.push({ l: null, r: r.id, time });
    }
  }
  return { out, late };
}

const windows: [string, WindowAssigner<JRec>, AssignerSpec][] = [
  ['tumbling 30', TumblingEventTimeWindows.of(30), { type: 'tumbling', size: 30, slide: 30, offset: 0 }],
  ['sliding 40/15', SlidingEventTimeWindows.of(40, 15), { type: 'sliding', size: 40, slide: 15, offset: 0 }],
  ['session gap 12', EventTimeSessionWindows.withGap(12), { type: 'session', gap: () => 12 }],
];

for (const [label, assigner, spec] of windows) {
  for (const kind of ['inner', 'left', 'right', 'full'] as const) {
    test(`window join, ${label} (${kind}) equals the oracle on random out-of-order input with late records`, () => {
      fc.assert(fc.property(arbOps(), (ops) => {
        const got = runJoin((l, r) => {
          const j = l.join(r).window(assigner);
          const typed = kind === 'inner' ? j : kind === 'left' ? j.leftOuter() : kind === 'right' ? j.rightOuter() : j.fullOuter();
          return typed.apply((a: JRec | null, b: JRec | null) => ({ l: a?.id ?? null, r: b?.id ?? null, time: 0 }));
        }, ops);
        const want = oracle(ops, spec, kind);
        assert.deepEqual(sorted(got.out), sorted(want.out));
        assert.equal(got.lateDropped, want.late);
      }), { numRuns: 150 });
    });
  }
}
