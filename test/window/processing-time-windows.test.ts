// Processing-time windows on the driver's manual clock, against the oracle: a record belongs to
// the windows of the clock when it is pushed; windows fire when the clock reaches their end - 1.
import { test } from 'node:test';
import fc from 'fast-check';
import { type AggName, caseOf, checkCase, session, sliding, tumbling } from './window-harness.ts';

const aggs: AggName[] = ['count', 'sum', 'aggregate', 'process'];

for (const [name, assigner] of [['tumbling', tumbling], ['sliding', sliding], ['session', session]] as const) {
  for (const agg of aggs) {
    test(`${name} processing-time windows, ${agg}: match the oracle`, () => {
      fc.assert(fc.property(caseOf(assigner, agg, { time: 'processing' }), checkCase));
    });
  }
}
