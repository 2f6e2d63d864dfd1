import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nexmarkConfig, nexmarkEvent } from '../../src/connectors/nexmark/index.ts';
import { eventDigest } from '../../bench/nexmark/event-digest.ts';
import { buildFlinkPeer, flinkDigest, flinkQueries } from '../../bench/nexmark/flink-peer.ts';

// The Flink peer's generator is a port of Eddy's: the benchmark compares the two systems on the
// same events only if the same seed gives byte-identical events. Needs a JDK and Maven (the first
// build downloads Flink from Maven Central).

function* events(count: number, outOfOrderGroupSize: number) {
  const config = nexmarkConfig({ outOfOrderGroupSize });
  for (let n = 0; n < count; n++) yield nexmarkEvent(config, n);
}

test('the Flink peer builds and generates the same events as Eddy (in order and shuffled)', { timeout: 600_000 }, () => {
  buildFlinkPeer();
  for (const g of [1, 50]) {
    assert.equal(flinkDigest(30_000, g), eventDigest(events(30_000, g)), `outOfOrderGroupSize ${g}`);
  }
  // A digest that differs when the events do, so the equality above means something.
  assert.notEqual(eventDigest(events(30_000, 1)), eventDigest(events(30_000, 50)));
  assert.ok(flinkQueries().includes('q5'));
});
