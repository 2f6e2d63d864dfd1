// ContinuousEventTimeTrigger on aligned windows, against the oracle: early firings every
// interval of event time while the window is open, one at its end, late firings after it.
import { test } from 'node:test';
import fc from 'fast-check';
import { caseOf, checkCase, sliding, tumbling } from './window-harness.ts';

const interval = fc.integer({ min: 1, max: 8 });

test('tumbling event-time windows with ContinuousEventTimeTrigger: early firings match the oracle', () => {
  fc.assert(fc.property(caseOf(tumbling, 'count', { continuous: interval }), checkCase));
});

test('sliding event-time windows with ContinuousEventTimeTrigger, process: early firings match the oracle', () => {
  fc.assert(fc.property(caseOf(sliding, 'process', { continuous: interval }), checkCase));
});
