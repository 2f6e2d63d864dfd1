// Tumbling and sliding event-time windows on out-of-order input, through both operators (the
// pane-based AlignedWindowOperator and the generic WindowOperator), against the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventTimeTrigger, StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, sinks } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { AlignedWindowOperator } from '../../src/runtime/operators/aligned-window-operator.ts';
import { type AggName, caseOf, checkCase, operatorOf, sliding, tumbling } from './window-harness.ts';
import type { Rec } from './window-oracle.ts';

const incremental: AggName[] = ['count', 'sum', 'min', 'max', 'avg', 'reduce', 'reduceWindow', 'aggregate'];

for (const [name, assigner] of [['tumbling', tumbling], ['sliding', sliding]] as const) {
  for (const agg of incremental) {
    test(`${name} event-time windows, ${agg}: aligned and generic operators match the oracle`, () => {
      fc.assert(fc.property(caseOf(assigner, agg, { path: 'aligned' }), (c) => {
        checkCase(c);
        checkCase({ ...c, path: 'generic' });
      }));
    });
  }
  test(`${name} event-time windows, process (all elements) matches the oracle`, () => {
    fc.assert(fc.property(caseOf(assigner, 'process'), checkCase));
  });
}

test('an explicit EventTimeTrigger keeps the aligned operator (it is the default trigger)', () => {
  const env = StreamEnvironment.create();
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Rec>(0).withTimestampAssigner((r) => r.ts);
  const counts = env.fromCollection<Rec>([], strategy, 'in').keyBy((r) => r.k)
    .window(TumblingEventTimeWindows.of<Rec>(10)).trigger(EventTimeTrigger.create()).count();
  counts.sinkTo(sinks.collect());
  assert.ok(operatorOf(StreamTestDriver.create(env), counts) instanceof AlignedWindowOperator);
});
