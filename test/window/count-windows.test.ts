// Count windows (GlobalWindows + CountTrigger) against the oracle: tumbling ones fire every n
// elements of a key and start afresh, sliding ones fire every `slide` elements over the last
// `size`; partial windows are not emitted at the end of input.
import { test } from 'node:test';
import fc from 'fast-check';
import { type AggName, type AssignerCase, caseOf, checkCase } from './window-harness.ts';

const tumblingCount: fc.Arbitrary<AssignerCase> = fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 6 }), slide: fc.constant(null) });
const slidingCount: fc.Arbitrary<AssignerCase> = fc.record({
  type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 6 }), slide: fc.integer({ min: 1, max: 6 }),
});
const aggs: AggName[] = ['count', 'sum', 'max', 'reduce', 'aggregate', 'process'];

for (const [name, assigner] of [['countWindow(n)', tumblingCount], ['countWindow(size, slide)', slidingCount]] as const) {
  for (const agg of aggs) {
    test(`${name}, ${agg}: matches the oracle`, () => {
      fc.assert(fc.property(caseOf(assigner, agg), checkCase));
    });
  }
}
