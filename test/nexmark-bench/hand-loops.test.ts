import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamEnvironment } from '../../src/index.ts';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-events.ts';
import { QUERIES } from '../../examples/nexmark/queries/index.ts';
import { HAND_LOOPS, runHandLoop } from '../../bench/nexmark/hand-loops.ts';
import { countingSink } from '../../bench/nexmark/counting-sink.ts';

// The hand-written loops are the benchmark's speed limit only if they compute what Eddy computes:
// the same number of results on the same events (the table checks this at full size too).

async function eddyResults(query: string, events: number): Promise<number> {
  const env = StreamEnvironment.create({ log: () => {} });
  const sink = countingSink();
  QUERIES[query](env, nexmarkEvents(env, { events })).sinkTo(sink);
  await env.execute(query);
  return sink.count;
}

for (const query of Object.keys(HAND_LOOPS)) {
  test(`hand-written ${query} makes as many results as Eddy's ${query}`, { skip: Object.hasOwn(QUERIES, query) ? false : `Eddy has no ${query} yet` }, async () => {
    for (const events of [1, 5_000, 123_457]) {
      assert.equal(runHandLoop(query, events), await eddyResults(query, events), `${events} events`);
    }
  });
}

test('hand-written q5 fires every window with bids, and q2 keeps only every 123rd auction', () => {
  // 200,000 events at 10,000 events/s are 20 s of event time: windows of 10 s sliding by 2 s
  // ending at 2, 4, ..., 28 s have bids (14 windows), each with at least one hottest auction.
  const q5 = runHandLoop('q5', 200_000);
  assert.ok(q5 >= 14 && q5 < 14 * 3, `q5 made ${q5} results`);
  const q0 = runHandLoop('q0', 200_000);
  assert.equal(q0, 200_000 * 46 / 50);
  const q2 = runHandLoop('q2', 200_000);
  assert.ok(q2 > 0 && q2 < q0 / 50, `q2 made ${q2} of ${q0}`);
});

test('an unknown hand loop names the ones there are', () => {
  assert.throws(() => runHandLoop('q99', 10), /no hand-written loop for 'q99'; there are q0, q1, q2, q5, q7/);
});
