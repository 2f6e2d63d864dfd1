// Window operators with the LMDB state backend keep their contents in it (panes as tables, generic
// windows' accumulators and elements by slot): the same oracle cases as on the heap, and no table
// or entry may be left in LMDB once time has passed every window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LmdbStateBackend, SlidingEventTimeWindows, StreamEnvironment, WatermarkStrategy, sinks } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { WindowOperator } from '../../src/runtime/operators/window-operator.ts';
import { type AggName, type AssignerCase, type Case, caseOf, checkCaseOn, operatorOf, session, sliding, tumbling } from './window-harness.ts';

const runs = { numRuns: 40 };
const flushed = (c: Case) => c.ops.length > 0 && c.ops[c.ops.length - 1].op !== 'end';
const lmdb = (c: Case) => checkCaseOn(c, 'lmdb');

for (const [name, assigner] of [['tumbling', tumbling], ['sliding', sliding]] as const) {
  for (const agg of ['sum', 'aggregate'] as AggName[]) {
    test(`LMDB state: ${name} event-time windows, ${agg}: aligned and generic operators match the oracle`, () => {
      fc.assert(fc.property(caseOf(assigner, agg, { path: 'aligned' }), (c) => {
        lmdb(c);
        lmdb({ ...c, path: 'generic' });
      }), runs);
    });
  }
  test(`LMDB state: ${name} event-time windows, process (all elements) matches the oracle`, () => {
    fc.assert(fc.property(caseOf(assigner, 'process'), lmdb), runs);
  });
}

for (const agg of ['count', 'process'] as AggName[]) {
  test(`LMDB state: event-time session windows, ${agg}: match the oracle (merged contents move between slots)`, () => {
    fc.assert(fc.property(caseOf(session, agg), lmdb), runs);
  });
}

const families: [string, fc.Arbitrary<AssignerCase>][] = [['tumbling', tumbling], ['sliding', sliding], ['session', session]];
for (const [name, assigner] of families) {
  test(`LMDB state: ${name} windows leave nothing in LMDB after long runs`, () => {
    fc.assert(fc.property(caseOf(assigner, 'sum', { length: 400 }).filter(flushed), (c) => {
      if (name !== 'session') lmdb({ ...c, path: 'aligned' });
      lmdb({ ...c, path: 'generic' });
    }), { numRuns: 15 });
  });
  test(`LMDB state: ${name} processing-time windows with all elements match the oracle`, () => {
    fc.assert(fc.property(caseOf(assigner, 'process', { time: 'processing' }), lmdb), { numRuns: 20 });
  });
}

test('LMDB state: a sliding window spanning more panes than LMDB has tables for runs on the generic operator, with the same results', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-many-panes-'));
  const run = (lmdb: boolean) => {
    const env = StreamEnvironment.create(lmdb ? { stateBackend: LmdbStateBackend.inDirectory(dir) } : {});
    const src = env.fromCollection<{ k: string; ts: number }>([], WatermarkStrategy.forMonotonousTimestamps<{ k: string; ts: number }>().withTimestampAssigner((e) => e.ts), 'in');
    // 300 panes of 1 s per window: more than the 128 a pane-per-table operator may keep open.
    const sums = src.keyBy((e) => e.k).window(SlidingEventTimeWindows.of(300_000, 1_000)).count();
    sums.sinkTo(sinks.collect());
    const driver = StreamTestDriver.create(env);
    const out = driver.output(sums);
    const op = operatorOf(driver, sums);
    for (let i = 0; i < 40; i++) driver.input<{ k: string; ts: number }>('in').push({ k: `k${i % 3}`, ts: i * 7_000 });
    driver.endInput();
    (driver as unknown as { graph: { closeOperators(): void } }).graph.closeOperators();
    return { op, out: out.values.map((v) => JSON.stringify(v)).sort() };
  };
  try {
    const heap = run(false);
    const disk = run(true);
    assert.ok(disk.op instanceof WindowOperator, 'the generic operator runs on LMDB');
    assert.ok(!(heap.op instanceof WindowOperator), 'the heap keeps the pane operator');
    assert.equal(disk.out.length, heap.out.length);
    assert.deepEqual(disk.out, heap.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
