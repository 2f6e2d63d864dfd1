// The test driver's snapshot() and restoreFrom go through the same graph cut as production
// checkpoints: source positions travel (records not read yet, pushLines' line numbers and header,
// pushKafka's offsets), and keyed state is a chain, full and then deltas, as in checkpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEAD_LETTERS, StreamEnvironment, WatermarkStrategy, sinks, sources, type KeyedProcessFunction, type ValueState,
} from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { decodeState } from '../../src/checkpoint/snapshot-codec.ts';
import type { StateChanges } from '../../src/state/state-table.ts';

interface Order { id: string; amount: number }

function ordersJob() {
  const env = StreamEnvironment.create();
  const orders = env.fromSource(sources.csv<Order>('orders.csv', { types: { amount: 'number' } }), WatermarkStrategy.noWatermarks<Order>(), 'orders');
  orders.sinkTo(sinks.collect());
  orders.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  return { env, orders };
}

test('source positions travel through the cut: a restored driver goes on with the line numbers and header of pushLines', () => {
  const { env, orders } = ordersJob();
  const first = StreamTestDriver.create(env);
  first.input<Order>('orders').pushLines(['id,amount', '1,9.5'], { file: 'orders.csv' });
  const snap = first.snapshot();

  const resumed = StreamTestDriver.create(env, { restoreFrom: snap });
  const out = resumed.output(orders);
  const dead = resumed.sideOutput(orders, DEAD_LETTERS);
  resumed.input<Order>('orders').pushLines(['2,3', '3,oops'], { file: 'orders.csv' });
  assert.deepEqual(out.values, [{ id: '2', amount: 3 }], 'the header read before the snapshot names the columns');
  assert.deepEqual(dead.values.map((d) => d.position), ['orders.csv:4'], 'line numbers go on from the snapshot');
});

test('source positions travel through the cut: pushKafka offsets go on in a restored driver', () => {
  const env = StreamEnvironment.create();
  const payments = env.fromSource(sources.kafka<{ n: number }>({ brokers: '127.0.0.1:1', topics: ['pay'], groupId: 'g', value: 'json' }), WatermarkStrategy.noWatermarks(), 'payments');
  payments.sinkTo(sinks.collect());
  payments.getSideOutput(DEAD_LETTERS).sinkTo(sinks.collect());
  const first = StreamTestDriver.create(env);
  first.input<{ n: number }>('payments').pushKafka([{ value: '{"n":1}' }, { value: '{"n":2}' }]);
  const resumed = StreamTestDriver.create(env, { restoreFrom: first.snapshot() });
  const dead = resumed.sideOutput(payments, DEAD_LETTERS);
  resumed.input<{ n: number }>('payments').pushKafka([{ value: '{oops' }]);
  assert.deepEqual(dead.values.map((d) => d.position), ['pay/0@2']);
});

interface Ev { k: string; op: 'add' | 'drop' }

/** Counts per key; 'drop' clears the key's state. */
function countingJob() {
  const env = StreamEnvironment.create();
  type Fn = KeyedProcessFunction<string, Ev, string> & { n: ValueState<number> };
  const fn: Fn = {
    n: undefined as never,
    open(ctx) {
      this.n = ctx.getState<number>('n');
    },
    processElement(e, ctx, out) {
      if (e.op === 'drop') {
        this.n.clear();
        return;
      }
      const n = (this.n.value() ?? 0) + 1;
      this.n.update(n);
      out.collect(`${ctx.getCurrentKey()}=${n}`);
    },
  };
  const counts = env.fromCollection<Ev>([], WatermarkStrategy.noWatermarks(), 'events').keyBy((e) => e.k).process(fn).uid('count');
  counts.sinkTo(sinks.collect());
  return { env, counts };
}

/** The keyed chain of the 'count' operator in a driver snapshot (test-only knowledge of its bytes). */
function keyedChain(env: StreamEnvironment, bytes: Buffer): Buffer[] {
  const node = env.plan().nodes.find((n) => n.uid === 'count')!.id;
  const data = decodeState(bytes) as { operators: { node: number; keyed: Buffer[] }[] };
  return data.operators.find((o) => o.node === node)!.keyed;
}

test('keyed state travels through the cut as checkpoints take it: full first, then a delta of what changed', () => {
  const { env, counts } = countingJob();
  const driver = StreamTestDriver.create(env);
  const input = driver.input<Ev>('events');
  input.pushAll([{ k: 'a', op: 'add' }, { k: 'b', op: 'add' }, { k: 'c', op: 'add' }]);
  const full = driver.snapshot();
  input.pushAll([{ k: 'a', op: 'add' }, { k: 'c', op: 'drop' }]);
  const second = driver.snapshot();

  assert.equal(keyedChain(env, full.bytes).length, 1, 'the first snapshot holds keyed state in full');
  const chain = keyedChain(env, second.bytes);
  assert.equal(chain.length, 2, 'the second holds the full state and one delta');
  const delta = decodeState(chain[1]) as StateChanges;
  const n = delta.tables.find((t) => t.name === 'n')!;
  const puts = n.puts instanceof Map ? [...n.puts.keys()] : (n.puts as readonly (readonly [unknown, unknown])[]).map(([k]) => k);
  assert.deepEqual(puts, ['a'], 'only what changed is in the delta');
  assert.deepEqual([...n.deletes], ['c']);

  const resumed = StreamTestDriver.create(env, { restoreFrom: second });
  const out = resumed.output(counts);
  resumed.input<Ev>('events').pushAll([{ k: 'a', op: 'add' }, { k: 'b', op: 'add' }, { k: 'c', op: 'add' }]);
  assert.deepEqual(out.values, ['a=3', 'b=2', 'c=1'], 'full state, then the delta (a put and a delete), restored in order');
});

test('records pushed but held back by an asyncMap at capacity travel as part of the source position', async () => {
  const env = StreamEnvironment.create();
  const pending: ((v: number) => void)[] = [];
  const doubled = env.fromCollection<number>([], WatermarkStrategy.noWatermarks(), 'numbers')
    .asyncMap((x) => new Promise<number>((res) => pending.push(() => res(x * 2))), { capacity: 1 }).uid('double');
  doubled.sinkTo(sinks.collect());
  const driver = StreamTestDriver.create(env);
  driver.input<number>('numbers').push(1).push(2).push(3); // 1 in flight, 2 and 3 wait in the input
  const snap = driver.snapshot();

  const resumed = StreamTestDriver.create(env, { restoreFrom: snap });
  const out = resumed.output(doubled);
  for (let i = 0; i < 3; i++) {
    pending.at(-1)!(0);
    await resumed.settle();
  }
  assert.deepEqual(out.values, [2, 4, 6], 'the owed record is asked again, the queued ones follow');
});
