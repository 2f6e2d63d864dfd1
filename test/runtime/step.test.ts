// The contract of the running graph's step(): one round per call, synchronous, and a report of
// what the caller must do next. The production loop and the test driver both rely on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, WatermarkStrategy, sinks, type ReadStatus, type Sink, type SinkWriter, type Source, type SourceBatch } from 'eddy';
import { ManualClock } from 'eddy/testing';
import { RunningGraph } from '../../src/runtime/running-graph.ts';
import type { CheckpointHook } from '../../src/runtime/checkpoint-hook.ts';

/** A source of `count` numbers in batches of 2, read synchronously or (with `async`) later; logs every read. */
function counting(name: string, count: number, log: string[], opts: { async?: boolean; bounded?: boolean } = {}): Source<number> {
  return {
    kind: 'counting', bounded: opts.bounded ?? true, describe: () => name,
    createReader() {
      let next = 0;
      const fill = (batch: SourceBatch<number>): ReadStatus => {
        let n = 0;
        batch.split = 0;
        if (next >= count) {
          batch.length = 0; // a reader may hand on last records with 'end'
          return 'end';
        }
        while (n < 2 && next < count) {
          batch.values[n] = next++;
          batch.times[n++] = Number.NaN;
        }
        batch.length = n;
        return 'data';
      };
      return {
        open: async () => {},
        read: (batch) => {
          log.push(`read ${name}`);
          return opts.async === true ? new Promise<ReadStatus>((res) => setImmediate(() => res(fill(batch)))) : fill(batch);
        },
        splitCount: () => 1, splitName: () => name, isSplitFinished: () => next >= count,
        position: () => next, seek: (p) => void (next = p as number), close: async () => {},
      };
    },
  };
}

function graph(build: (env: StreamEnvironment) => void): { rt: RunningGraph; clock: ManualClock } {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, log: () => {} });
  build(env);
  const rt = new RunningGraph(env.plan(), 'step', env.runtimeOptions());
  rt.open();
  return { rt, clock };
}

test('step() does one round: one batch from each source, in source order, and says it worked', () => {
  const log: string[] = [];
  const out = sinks.collect<number>();
  const { rt } = graph((env) => {
    const a = env.fromSource(counting('a', 3, log), WatermarkStrategy.noWatermarks(), 'a');
    const b = env.fromSource(counting('b', 1, log), WatermarkStrategy.noWatermarks(), 'b');
    a.union(b.map((x) => x + 100)).sinkTo(out);
  });
  let r = rt.step();
  assert.deepEqual(log, ['read a', 'read b'], 'one read per source');
  assert.deepEqual(out.values, [0, 1, 100]);
  assert.equal(r.worked, true);
  assert.equal(r.done, false);
  assert.equal(r.turn, null);
  r = rt.step();
  assert.deepEqual(out.values, [0, 1, 100, 2], 'b said end: the round still handed on what a read');
  assert.equal(r.done, false);
  r = rt.step();
  assert.equal(r.done, false, 'a ends in this round');
  r = rt.step();
  assert.equal(r.done, true, 'every source has ended');
});

test('a bounded job takes its sources in strict turn: step() stops at an async read and goes on from it', async () => {
  const log: string[] = [];
  const out = sinks.collect<number>();
  const { rt } = graph((env) => {
    const a = env.fromSource(counting('a', 2, log, { async: true }), WatermarkStrategy.noWatermarks(), 'a');
    const b = env.fromSource(counting('b', 2, log, { async: true }), WatermarkStrategy.noWatermarks(), 'b');
    a.union(b.map((x) => x + 100)).sinkTo(out);
  });
  let r = rt.step();
  assert.ok(r.turn !== null, 'the round waits for a');
  assert.deepEqual(log, ['read a'], 'b is not read before a has had its turn');
  await r.turn;
  r = rt.step();
  assert.ok(r.turn !== null, "then for b's turn");
  assert.deepEqual(out.values, [0, 1], "a's batch is in before b is read");
  assert.deepEqual(log, ['read a', 'read b']);
  await r.turn;
  r = rt.step();
  assert.equal(r.turn, null, 'the round ended');
  assert.equal(r.worked, true);
  assert.deepEqual(out.values, [0, 1, 100, 101]);
});

test('an unbounded job does not wait for a read: the round ends, the report lists the read as progress, a later round delivers it', async () => {
  const log: string[] = [];
  const out = sinks.collect<number>();
  const { rt } = graph((env) => {
    env.fromSource(counting('a', 4, log, { async: true, bounded: false }), WatermarkStrategy.noWatermarks(), 'a').sinkTo(out);
  });
  let r = rt.step();
  assert.equal(r.turn, null);
  assert.equal(r.worked, false);
  assert.equal(r.progress.length, 1, 'the read in flight may bring work');
  assert.equal(r.nextDeadline, Number.POSITIVE_INFINITY, 'no timer is due');
  r = rt.step();
  assert.deepEqual(log, ['read a'], 'no second read while one is in flight');
  await Promise.race(r.progress);
  r = rt.step();
  assert.equal(r.worked, true);
  assert.deepEqual(out.values, [0, 1]);
  assert.ok(Number.isNaN(r.nextDeadline), 'no wait is computed after a round that worked');
});

test('step() asks the checkpoint hook at the round boundary, reports sinks over capacity, and runs work waiting for the boundary', async () => {
  const log: string[] = [];
  let due = false;
  const asked: number[] = [];
  const hook = { isDue: (now: number) => (asked.push(now), due) } as unknown as CheckpointHook;
  let backlog = 0;
  const writer: SinkWriter<number> = {
    open: async () => {}, write: (_v, _t, n) => void (backlog += n), get backlog() { return backlog; }, capacity: 3,
    flush: async () => void (backlog = 0), close: async () => {},
  };
  const slow: Sink<number> = { kind: 'slow', describe: () => 'slow', createWriter: () => writer };
  const { rt, clock } = graph((env) => {
    env.fromSource(counting('a', 10, log), WatermarkStrategy.noWatermarks(), 'a').sinkTo(slow);
  });
  rt.checkpoints = hook;
  clock.advance(500);
  let r = rt.step();
  assert.equal(r.checkpointDue, false);
  assert.deepEqual(asked, [500], 'asked once, with the time at the end of the round');
  assert.equal(r.sinksOverCapacity, false, 'backlog 2 of 3');
  due = true;
  const seen = rt.atRoundBoundary(() => backlog);
  r = rt.step();
  assert.equal(r.checkpointDue, true);
  assert.equal(r.now, 500);
  assert.equal(r.sinksOverCapacity, true, 'backlog 4 of 3: the caller must flush');
  assert.equal(await seen, 4, 'the boundary work saw the round complete');
});
