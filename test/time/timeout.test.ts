// withTimeout and Clock.sleep's abort signal: the time helpers the checkpoint coordinator and the
// control client use instead of timers of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, systemClock } from 'eddy';
import { withTimeout } from '../../src/time/timeout.ts';

test('withTimeout on a manual clock: rejects once the clock passes the limit, not before', async () => {
  const clock = new ManualClock(0);
  let settled: string | null = null;
  const p = withTimeout(clock, new Promise<never>(() => {}), 1_000, 'too slow').then(() => (settled = 'resolved'), (e: Error) => (settled = e.message));
  clock.advance(999);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, null);
  clock.advance(1);
  await p;
  assert.equal(settled, 'too slow');
});

test('withTimeout: work that settles first wins, and its timer is gone (the process may exit)', async () => {
  const clock = new ManualClock(0);
  assert.equal(await withTimeout(clock, Promise.resolve(7), 1_000, 'too slow'), 7);
  await assert.rejects(withTimeout(clock, Promise.reject(new Error('own failure')), 1_000, 'too slow'), /own failure/);
  clock.advance(5_000); // nothing left to fire
  // On the wall clock an hour-long limit must not keep the process alive after the work is done.
  assert.equal(await withTimeout(systemClock, Promise.resolve('done'), 3_600_000, 'too slow'), 'done');
});

test('Clock.sleep ends at once when its signal aborts (manual and system clock)', async () => {
  const clock = new ManualClock(0);
  for (const c of [clock, systemClock]) {
    const stop = new AbortController();
    const slept = c.sleep(3_600_000, stop.signal);
    stop.abort();
    await slept;
    await c.sleep(10, stop.signal); // already aborted: at once
  }
});
