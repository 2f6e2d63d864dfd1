// The oracle itself, on small hand-worked cases: the properties are only as good as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AssignerSpec, type Op, type OracleSpec, type Rec, runOracle } from './window-oracle.ts';

const spec = (assigner: AssignerSpec, more: Partial<OracleSpec> = {}): OracleSpec => ({
  assigner, time: 'event', allowedLateness: 0, outOfOrderness: 0, continuous: null, ...more,
});
let nextId = 0;
const push = (ts: number, k = 'a'): Op => ({ op: 'push', rec: { k, ts, v: 1, id: nextId++ } });
/** Per step: "key [start,end) ids..." for each firing, sorted. */
const firings = (s: OracleSpec, ops: Op[]) => runOracle(s, ops).map((r) =>
  r.fired.map((f) => `${f.key} [${f.start},${f.end}) ${f.elements.map((e: Rec) => e.ts).join(' ')}`).sort());

test('tumbling: fires at end - 1, fires again for a record within the lateness, then drops it as late', () => {
  const s = spec({ type: 'tumbling', size: 60, slide: 60, offset: 0 }, { allowedLateness: 10 });
  const steps = runOracle(s, [push(1), push(2), push(30, 'b'), push(60), push(5), push(75), push(6), { op: 'end' }]);
  assert.deepEqual(steps.map((r) => r.fired.map((f) => `${f.key}:${f.start}:${f.elements.length}`).sort()), [
    [], [], [], ['a:0:2', 'b:0:1'], ['a:0:3'], [], [], ['a:60:2'],
  ]);
  assert.deepEqual(steps.map((r) => r.late.map((e) => e.ts)), [[], [], [], [], [], [], [6], []]);
  assert.deepEqual(steps.map((r) => r.windows), [1, 1, 2, 3, 3, 1, 1, 0]);
});

test('sliding size 10, slide 4, offset 1: a record is in every window [1 + 4k, 11 + 4k) that holds it', () => {
  const s = spec({ type: 'sliding', size: 10, slide: 4, offset: 1 });
  assert.deepEqual(firings(s, [push(5), { op: 'end' }])[1], ['a [-3,7) 5', 'a [1,11) 5', 'a [5,15) 5']);
});

test('sliding with size < slide: a record between windows is late (it has no window to join)', () => {
  const s = spec({ type: 'sliding', size: 2, slide: 5, offset: 0 });
  const steps = runOracle(s, [push(3), push(6), { op: 'end' }]);
  assert.deepEqual(steps.map((r) => r.late.map((e) => e.ts)), [[3], [], []]);
  assert.deepEqual(steps[2].fired.map((f) => [f.start, f.end]), [[5, 7]]);
});

test('sessions: touching windows merge, a bridging record merges two sessions', () => {
  const s = spec({ type: 'session', gap: () => 5 }, { outOfOrderness: 100 });
  // [0,5) + [5,10) touch: [0,10). [15,20) does not; then [10,15) touches both.
  assert.deepEqual(firings(s, [push(0), push(5), push(15), { op: 'end' }]).at(-1), ['a [0,10) 0 5', 'a [15,20) 15']);
  assert.deepEqual(firings(s, [push(0), push(5), push(15), push(10), { op: 'end' }]).at(-1), ['a [0,20) 0 5 15 10']);
  assert.deepEqual(firings(s, [push(0), push(6), { op: 'end' }]).at(-1), ['a [0,5) 0', 'a [6,11) 6']);
});

test('sessions: a late record that extends a fired session within the lateness fires it when the new end passes', () => {
  const s = spec({ type: 'session', gap: () => 5 }, { allowedLateness: 20 });
  // [0,5) fires at W = 9; ts 3 extends it to [0,8), whose end - 1 = 7 <= W: it fires again at once.
  assert.deepEqual(firings(s, [push(0), push(10), push(3)]), [[], ['a [0,5) 0'], ['a [0,8) 0 3']]);
});

test('count windows: tumbling ones start afresh, sliding ones fire every slide over the last size', () => {
  const five = [push(1), push(2), push(3), push(4), push(5), { op: 'end' } as const];
  assert.deepEqual(firings(spec({ type: 'count', size: 2, slide: 2 }), five).flat(), ['a [-Infinity,Infinity) 1 2', 'a [-Infinity,Infinity) 3 4']);
  assert.deepEqual(firings(spec({ type: 'count', size: 3, slide: 2 }), five).flat(), ['a [-Infinity,Infinity) 1 2', 'a [-Infinity,Infinity) 2 3 4']);
});

test('continuous trigger: an early firing for every interval the watermark passes, one at the end', () => {
  const s = spec({ type: 'tumbling', size: 100, slide: 100, offset: 0 }, { continuous: 30 });
  const steps = firings(s, [push(5), { op: 'watermark', to: 65 }, { op: 'end' }]);
  assert.deepEqual(steps.map((f) => f.length), [0, 2, 2]); // 30, 60; then 90, 99
});

test('processing time: windows of the clock at the push, fired when the clock reaches end - 1 (at the push, when it is there already)', () => {
  const s = spec({ type: 'tumbling', size: 10, slide: 10, offset: 0 }, { time: 'processing' });
  const steps = firings(s, [push(500), { op: 'clock', by: 8 }, push(-7), { op: 'clock', by: 1 }, push(0), { op: 'end' }]);
  assert.deepEqual(steps, [[], [], [], ['a [0,10) 500 -7'], ['a [0,10) 0'], []]);
});
