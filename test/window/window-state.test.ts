// Window state is bounded: after long out-of-order runs, once event time (or the clock) has passed
// every window and its allowed lateness, no window, pane, session list or timer is left. checkCase
// also compares the number of live windows with the oracle after every step (generic operator).
import { test } from 'node:test';
import fc from 'fast-check';
import { type AssignerCase, type Case, caseOf, checkCase, session, sliding, tumbling } from './window-harness.ts';

const runs = { numRuns: 25 };
const flushed = (c: Case) => c.ops.length > 0 && c.ops[c.ops.length - 1].op !== 'end';
const families: [string, fc.Arbitrary<AssignerCase>][] = [['tumbling', tumbling], ['sliding', sliding], ['session', session]];

for (const [name, assigner] of families) {
  test(`${name} event-time windows leave no state after long runs`, () => {
    fc.assert(fc.property(caseOf(assigner, 'sum', { length: 400 }).filter(flushed), (c) => {
      if (name !== 'session') checkCase({ ...c, path: 'aligned' });
      checkCase({ ...c, path: 'generic' });
    }), runs);
  });
  test(`${name} processing-time windows leave no state after long runs`, () => {
    fc.assert(fc.property(caseOf(assigner, 'process', { time: 'processing', length: 400 }).filter(flushed), checkCase), runs);
  });
}

test('ContinuousEventTimeTrigger leaves no timers after long runs', () => {
  fc.assert(fc.property(caseOf(tumbling, 'count', { continuous: fc.integer({ min: 1, max: 8 }), length: 400 }).filter(flushed), checkCase), runs);
});
