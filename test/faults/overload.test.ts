// Overload, short: Kafka input at 10 times what the job sustains (its sink is slow on purpose)
// for 3 s, then at a quarter of it. The backlog must wait in Kafka, not in the job's heap
// (backpressure reaches the source), and once the rate drops the job must catch up and commit
// every record exactly once, with its key's exact running count. `npm run overload` is the long
// version (5 minutes), whose figures are in docs/faults.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOverload } from '../../bench/overload/overload-run.ts';
import { brokers, uniqueName } from '../kafka/kafka-test-env.ts';

test('overload: 10x the sustainable rate keeps the heap bounded, the backlog in Kafka, and the output exact', { timeout: 180_000 }, async (t) => {
  const r = await runOverload({ brokers: brokers(), topic: uniqueName('overload'), sustainable: 2_000, factor: 10, overloadS: 3, afterRate: 500, afterS: 4, drainS: 120 });
  t.diagnostic(`input ${r.inputRate}/s, job ${r.jobRate}/s during the overload; heap ${r.heapBaselineMb} -> max ${r.heapMaxMb} MB, RSS ${r.rssBaselineMb} -> max ${r.rssMaxMb} MB; ` +
    `backlog max ${r.backlogMax}; drained ${r.drainedAfterS} s after the input ended; ${r.output} of ${r.produced} records out; load ${r.loadavg.map((l) => l.toFixed(1)).join(' ')}`);
  assert.ok(r.inputRate > 4 * r.jobRate, `the input outran the job (input ${r.inputRate}/s, job ${r.jobRate}/s)`);
  assert.ok(r.backlogMax > 20_000, `a backlog built up in Kafka (${r.backlogMax} records)`);
  // 60,000 records of backlog would be about 10 MB as JavaScript objects; the heap holds a few batches.
  assert.ok(r.heapMaxMb - r.heapBaselineMb < 8, `heap after GC grew by less than 8 MB (${r.heapBaselineMb} -> ${r.heapMaxMb} MB)`);
  assert.notEqual(r.drainedAfterS, null, 'the job caught up once the rate dropped');
  assert.deepEqual(r.problems, [], 'every record read is committed once with the right count');
  assert.equal(r.output, r.produced, 'nothing is lost: every produced record is in the output');
});
