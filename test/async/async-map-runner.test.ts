import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEAD_LETTERS, OperatorError, StreamEnvironment, WatermarkStrategy, sinks, type DeadLetter } from 'eddy';

const CAPACITY = 5;
const BATCH = 4;

for (const ordered of [true, false]) {
  test(`env.execute (${ordered ? 'ordered' : 'unordered'}): capacity bound, sources held back, every record out`, async () => {
    const env = StreamEnvironment.create({ batchSize: BATCH });
    const n = 300;
    let entered = 0;
    let left = 0;
    let maxHeld = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const service = async (x: number): Promise<number> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep((x * 7) % 3);
      inFlight--;
      return x * 2;
    };
    const out = sinks.collect<number>();
    env.fromCollection(Array.from({ length: n }, (_, i) => i), WatermarkStrategy.noWatermarks<number>(), 'numbers')
      .map((x) => {
        entered++;
        maxHeld = Math.max(maxHeld, entered - left);
        return x;
      })
      .asyncMap(service, { capacity: CAPACITY, ordered })
      .map((x) => {
        left++;
        return x;
      })
      .sinkTo(out);
    await env.execute('async-runner');
    assert.ok(maxInFlight <= CAPACITY, `max in flight ${maxInFlight}`);
    assert.equal(maxInFlight, CAPACITY, 'the capacity was used');
    // Held records: the capacity plus at most the one batch read before the operator was full.
    assert.ok(maxHeld <= CAPACITY + BATCH, `max held ${maxHeld}`);
    const expected = Array.from({ length: n }, (_, i) => i * 2);
    if (ordered) assert.deepEqual(out.values, expected);
    else assert.deepEqual([...out.values].sort((a, b) => a - b), expected);
  });
}

test("env.execute: onFailure 'fail' fails the run with the operator and the input", async () => {
  const env = StreamEnvironment.create();
  env.fromCollection([1, 2, 3], WatermarkStrategy.noWatermarks<number>(), 'numbers')
    .asyncMap(async (x) => {
      if (x === 2) throw new Error('boom');
      return x;
    }, { onFailure: 'fail' }).name('lookup')
    .sinkTo(sinks.collect());
  await assert.rejects(env.execute('async-fail'), (e: unknown) => e instanceof OperatorError && e.operator === 'lookup' && /boom; input: 2/.test(e.message));
});

test('env.execute: a service that never answers times out, is retried after the backoff, and ends in DEAD_LETTERS; the job finishes', async () => {
  const env = StreamEnvironment.create();
  let calls = 0;
  const out = sinks.collect<number>();
  const dead = sinks.collect<DeadLetter>();
  const s = env.fromCollection([1, 2, 3], WatermarkStrategy.noWatermarks<number>(), 'numbers')
    .asyncMap((x) => {
      calls++;
      return x === 2 ? new Promise<number>(() => {}) : Promise.resolve(x * 10);
    }, { timeoutMs: 40, retries: 1, backoffMs: 30 }).name('slow');
  s.sinkTo(out);
  s.getSideOutput(DEAD_LETTERS).sinkTo(dead);
  const started = Date.now();
  const result = await env.execute('timeouts');
  assert.deepEqual(out.values, [10, 30]);
  assert.deepEqual(dead.values.map((d) => [d.operator, d.reason, d.raw]), [['slow', 'timed out after 40 ms', '2']]);
  assert.equal(calls, 4, 'three records, one retry');
  assert.ok(Date.now() - started >= 40 + 30 + 40, 'two timeouts and a backoff of real time passed');
  assert.equal(result.metrics.deadLetters, 1);
});
