import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment } from '../../src/index.ts';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-events.ts';
import { QUERIES } from '../../examples/nexmark/queries/index.ts';
import { countingSink } from '../../bench/nexmark/counting-sink.ts';
import { buildFlinkPeer, flinkQueries, flinkResultCounts } from '../../bench/nexmark/flink-peer.ts';

// The benchmark compares the two systems only if their versions of each query compute the same
// thing: on the same events, each deterministic query Flink and Eddy both have must make the same
// number of results (q12 windows processing time, so its count depends on speed).

const EVENTS = 60_000;

test('the Flink peer and Eddy make the same number of results on every query they share', { timeout: 900_000 }, async () => {
  buildFlinkPeer();
  const shared = flinkQueries().filter((q) => Object.hasOwn(QUERIES, q) && q !== 'q12');
  assert.ok(shared.length >= 4, `queries in common: ${shared.join(', ')}`);
  const flink = flinkResultCounts(shared, EVENTS);
  for (const q of shared) {
    const env = StreamEnvironment.create({ log: () => {} });
    const sink = countingSink();
    QUERIES[q](env, nexmarkEvents(env, { events: EVENTS })).sinkTo(sink);
    await env.execute(q);
    assert.equal(flink[q], sink.count, `${q}: Flink ${flink[q]}, Eddy ${sink.count}`);
    assert.ok(sink.count > 0, `${q} made no results on ${EVENTS} events`);
  }
});
