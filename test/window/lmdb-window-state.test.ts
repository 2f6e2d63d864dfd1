// Window operators with the LMDB state backend keep their contents in it (panes as tables, generic
// windows' accumulators and elements by slot): the same oracle cases as on the heap, and no table
// or entry may be left in LMDB once time has passed every window.
import { test } from 'node:test';
import fc from 'fast-check';
import { type AggName, type AssignerCase, type Case, caseOf, checkCaseOn, session, sliding, tumbling } from './window-harness.ts';

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
