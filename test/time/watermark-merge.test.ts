// WatermarkMerge, the one "min over live inputs, with idleness" of the runtime (operators merge
// their inputs with it, sources their splits), against a brute-force model of the same rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WatermarkMerge } from '../../src/time/watermark-merge.ts';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const RUNS = { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 200), interruptAfterTimeLimit: 20_000 };

type Op =
  | { readonly op: 'raise'; readonly input: number; readonly wm: number }
  | { readonly op: 'idle'; readonly input: number; readonly idle: boolean }
  | { readonly op: 'touch'; readonly input: number }
  | { readonly op: 'tick'; readonly ms: number }
  | { readonly op: 'grow'; readonly by: number };

const time = fc.oneof(fc.integer({ min: -50, max: 1_000 }), fc.constantFrom(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('raise' as const), input: fc.nat(7), wm: time }),
  fc.record({ op: fc.constant('idle' as const), input: fc.nat(7), idle: fc.boolean() }),
  fc.record({ op: fc.constant('touch' as const), input: fc.nat(7) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ op: fc.constant('grow' as const), by: fc.integer({ min: 1, max: 2 }) }),
);

interface Model { wm: number; idle: boolean; active: number }

test('merge is the min over live inputs; idleness by timeout starts when an input is added', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 4 }), fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }), fc.array(opArb, { maxLength: 60 }),
    fc.func(fc.boolean()),
    (inputs, timeout, ops, skipFn) => {
      let now = 1_000;
      const m = new WatermarkMerge(inputs, timeout, now);
      const model: Model[] = Array.from({ length: inputs }, () => ({ wm: Number.NEGATIVE_INFINITY, idle: false, active: now }));
      const skip = (i: number) => skipFn(i);
      for (const o of ops) {
        const i = model.length === 0 ? -1 : o.op === 'raise' || o.op === 'idle' || o.op === 'touch' ? o.input % model.length : -1;
        switch (o.op) {
          case 'raise': {
            if (i < 0) break;
            const rose = o.wm > model[i].wm;
            assert.equal(m.raise(i, o.wm), rose);
            if (rose) model[i].wm = o.wm;
            break;
          }
          case 'idle':
            if (i < 0) break;
            assert.equal(m.setIdle(i, o.idle), model[i].idle !== o.idle);
            model[i].idle = o.idle;
            break;
          case 'touch':
            if (i < 0) break;
            m.touch(i, now);
            model[i].active = now;
            break;
          case 'tick': {
            now += o.ms;
            const expiring = timeout === null ? [] : model.filter((x) => !x.idle && now - x.active >= timeout);
            assert.equal(m.expire(now), expiring.length > 0);
            for (const x of expiring) x.idle = true;
            break;
          }
          case 'grow':
            m.grow(model.length + o.by, now);
            for (let k = 0; k < o.by; k++) model.push({ wm: Number.NEGATIVE_INFINITY, idle: false, active: now });
            break;
        }
        const live = model.map((x, k) => ({ x, k })).filter(({ x, k }) => !x.idle && !skip(k));
        const min = Math.min(...live.map(({ x }) => x.wm));
        assert.equal(m.merge(skip), live.length === 0 ? Number.POSITIVE_INFINITY : min);
        assert.equal(m.live, live.length);
        assert.equal(m.size, model.length);
        assert.deepEqual(m.watermarks(), model.map((x) => x.wm));
        assert.deepEqual(m.idleness(), model.map((x) => x.idle));
        const next = timeout === null ? Number.POSITIVE_INFINITY : Math.min(...model.filter((x) => !x.idle).map((x) => x.active + timeout));
        assert.equal(m.nextExpiry(), next);
      }
    },
  ), RUNS);
});

test('an input that never sends anything goes idle after the timeout from when it was added', () => {
  const m = new WatermarkMerge(2, 1_000, 0);
  m.raise(0, 50);
  m.touch(0, 900);
  assert.equal(m.merge(), Number.NEGATIVE_INFINITY, 'input 1 has said nothing yet and holds time back');
  assert.equal(m.nextExpiry(), 1_000);
  assert.equal(m.expire(999), false);
  assert.equal(m.expire(1_000), true);
  assert.equal(m.merge(), 50, 'input 1 is idle after 1 000 ms of silence');
  assert.equal(m.live, 1);
  assert.equal(m.expire(1_900), true);
  assert.equal(m.merge(), Number.POSITIVE_INFINITY);
  assert.equal(m.live, 0, 'all idle: the owner reads live 0 as idle, not as the end of time');
});

test('without a timeout nothing goes idle by itself', () => {
  const m = new WatermarkMerge(1);
  assert.equal(m.expire(Number.MAX_SAFE_INTEGER), false);
  assert.equal(m.nextExpiry(), Number.POSITIVE_INFINITY);
});
