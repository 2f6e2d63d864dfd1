// TimerQueue fires in exactly TimerHeap's order (time, then registration), whatever the mix of
// timers in order (its FIFO) and out of order (its heap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimerHeap } from '../../src/time/timer-heap.ts';
import { TimerQueue } from '../../src/time/timer-queue.ts';

test('TimerQueue pops in TimerHeap order for any interleaving of pushes and pops', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }).map((t) => ({ push: t })), fc.constant({ pop: true })), { maxLength: 200 }), (ops) => {
    const heap = new TimerHeap<number>();
    const queue = new TimerQueue<number>();
    let id = 0;
    let base = 0;
    for (const op of ops) {
      if ('push' in op) {
        base += op.push % 3; // mostly rising, sometimes behind
        const t = op.push % 5 === 0 ? base - op.push : base;
        heap.push(t, id);
        queue.push(t, id);
        id++;
      } else {
        assert.equal(queue.peekTime(), heap.peekTime());
        assert.equal(queue.pop(), heap.pop());
      }
      assert.equal(queue.size, heap.size);
    }
    assert.deepEqual(queue.entries(), heap.entries());
    while (heap.size > 0) assert.equal(queue.pop(), heap.pop());
    assert.equal(queue.pop(), undefined);
  }), { numRuns: 500 });
});

test('TimerQueue keeps TimerHeap order across its FIFO compacting and refilling', () => {
  const heap = new TimerHeap<number>();
  const queue = new TimerQueue<number>();
  let id = 0;
  const push = (t: number) => {
    heap.push(t, id);
    queue.push(t, id);
    id++;
  };
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10_000; i++) push(round * 20_000 + i + (i % 97 === 0 ? -50 : 0));
    for (let i = 0; i < 6_000; i++) assert.equal(queue.pop(), heap.pop());
    for (let i = 0; i < 100; i++) push(round * 20_000 + 10_000 + i);
    assert.deepEqual(queue.entries(), heap.entries());
    while (heap.size > 4) assert.equal(queue.pop(), heap.pop());
    assert.equal(queue.size, heap.size);
  }
  while (heap.size > 0) assert.equal(queue.pop(), heap.pop());
  assert.equal(queue.size, 0);
});
