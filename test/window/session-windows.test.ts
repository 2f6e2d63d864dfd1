// Event-time session windows (fixed and dynamic gap) on out-of-order input, against the oracle:
// merging, late merges that fire again, lateness judged on the merged window.
import { test } from 'node:test';
import fc from 'fast-check';
import { type AggName, caseOf, checkCase, session } from './window-harness.ts';

const aggs: AggName[] = ['count', 'sum', 'min', 'max', 'avg', 'reduce', 'reduceWindow', 'aggregate', 'process'];

for (const agg of aggs) {
  test(`event-time session windows, ${agg}: match the oracle`, () => {
    fc.assert(fc.property(caseOf(session, agg), checkCase));
  });
}
