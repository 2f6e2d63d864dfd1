// The CEP operator around the NFA: checkpoint round trips on the heap and on LMDB, state that stays
// bounded (within prunes as the watermark passes, a quiet key leaves nothing), late events,
// processing time, a stream that is not keyed, metrics, and the errors and warnings of patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AfterMatchSkipStrategy, CEP, LmdbStateBackend, MalformedPatternError, OutputTag, Pattern, StreamEnvironment, WatermarkStrategy,
  sinks, sources, type KeyedStateBackend, type PatternBuilder, type StateBackendContext,
} from '../../src/index.ts';
import { StreamTestDriver, type DriverSnapshot } from '../../src/testing/index.ts';
import { decodeState } from '../../src/checkpoint/snapshot-codec.ts';
import { HeapStateBackend } from '../../src/state/heap-state-backend.ts';
import type { StateChanges } from '../../src/state/state-checkpointing.ts';
import { events, show, type Ev } from './cep-harness.ts';
import { parityInput } from './parity-input.ts';
import { PARITY_PATTERNS } from './parity-patterns.ts';

const kind = (k: string) => (e: Ev) => e.kind === k;
const P = Pattern.of<Ev>();

interface Job { env: StreamEnvironment; out: { id: number }; timedOut: OutputTag<string> }
let opened = 0;

function job(pattern: PatternBuilder<Ev, any>, options: { skip?: AfterMatchSkipStrategy<string>; lag?: number; state?: string; processingTime?: boolean; keyed?: boolean; late?: OutputTag<Ev> } = {}): Job {
  const env = StreamEnvironment.create({
    log: () => {},
    // A restored driver opens its own LMDB copy (the first one is still open).
    ...(options.state ? { stateBackend: ((ctx: StateBackendContext) => LmdbStateBackend.inDirectory(join(options.state!, String(opened++)), { cacheEntries: 16 })(ctx)) as (ctx: StateBackendContext) => KeyedStateBackend } : {}),
  });
  const src = env.fromSource(sources.collection<Ev>([]), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(options.lag ?? 3).withTimestampAssigner((e) => e.ts), 'events');
  const timedOut = new OutputTag<string>('timed-out');
  let ps = CEP.pattern(options.keyed === false ? src : src.keyBy((e) => e.key), pattern as PatternBuilder<Ev, Record<string, Ev>>, { skip: options.skip });
  if (options.processingTime) ps = ps.inProcessingTime();
  if (options.late) ps = ps.sideOutputLateData(options.late);
  const out = ps.process<string>({
    processMatch(m, ctx, o) { o.collect(`${show(m)}@${ctx.timestamp()}`); },
    processTimedOutMatch(m, ctx) { ctx.output(timedOut, `${show(m)}@${ctx.timestamp()}`); },
  }).uid('cep');
  out.sinkTo(sinks.collect<string>());
  return { env, out, timedOut };
}

function run(j: Job, input: readonly Ev[], cuts: readonly number[] = [], state?: (i: number) => string): { out: string[]; timedOut: string[] } {
  let driver = StreamTestDriver.create(j.env);
  const out: string[] = [];
  const timedOut: string[] = [];
  const attach = (d: StreamTestDriver) => ({ o: d.output<string>(j.out as never), t: d.sideOutput(j.out as never, j.timedOut) });
  let cap = attach(driver);
  input.forEach((e, i) => {
    if (cuts.includes(i)) {
      out.push(...cap.o.take());
      timedOut.push(...cap.t.take());
      const snap: DriverSnapshot = driver.snapshot();
      if (state) void state(i);
      driver = StreamTestDriver.create(j.env, { restoreFrom: snap });
      cap = attach(driver);
    }
    driver.input<Ev>('events').push(e);
  });
  driver.endInput();
  out.push(...cap.o.take());
  timedOut.push(...cap.t.take());
  return { out, timedOut };
}

for (const backend of ['heap', 'lmdb'] as const) {
  test(`a checkpoint round trip gives the same output as a run without one (${backend})`, () => {
    const root = mkdtempSync(join(tmpdir(), 'eddy-cep-roundtrip-'));
    try {
      const input = parityInput(7, 300, 5, 3);
      for (const name of ['one-or-more-skip-past-last', 'within-timeouts', 'absence', 'group-begin-loop', 'greedy', 'iterative']) {
        const { pattern, skip } = PARITY_PATTERNS[name];
        const dir = (tag: string) => (backend === 'lmdb' ? join(root, `${name}-${tag}`) : undefined);
        const straight = run(job(pattern, { skip, state: dir('a') }), input);
        const cut = run(job(pattern, { skip, state: dir('b') }), input, [77, 150, 231]);
        assert.ok(straight.out.length > 0, `${name}: some matches`);
        assert.deepEqual(cut.out, straight.out, `${name}: matches`);
        assert.deepEqual(cut.timedOut, straight.timedOut, `${name}: timed-out partial matches`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

/**
 * Keys left in the CEP operator's keyed state (its snapshot chain, full then deltas, rebuilt in a
 * heap backend) and the events waiting for the watermark (in the operator's own snapshot).
 */
function cepState(driver: StreamTestDriver, nodeId: number): { nfa: number; waiting: number } {
  const data = decodeState(driver.snapshot().bytes) as { operators: { node: number; local: { waiting: unknown[] }; keyed: Buffer[] }[] };
  const op = data.operators.find((o) => o.node === nodeId)!;
  const [full, ...deltas] = op.keyed;
  const backend = new HeapStateBackend();
  backend.restore(decodeState(full));
  for (const d of deltas) backend.applyChanges(decodeState(d) as StateChanges);
  const keys = (table: string) => backend.stats().find((t) => t.name === table)?.keys ?? 0;
  return { nfa: keys('nfa'), waiting: op.local.waiting.length / 2 };
}

test('state stays bounded: within prunes partial matches as the watermark passes, and quiet keys leave nothing behind', () => {
  const j = job(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).oneOrMore().followedBy('c').where(kind('c')).within(100));
  const driver = StreamTestDriver.create(j.env);
  const timedOut = driver.sideOutput(j.out as never, j.timedOut);
  const input = driver.input<Ev>('events');
  const cep = j.env.plan().nodes.find((n) => n.kind === 'cep')!.id;
  // 1000 keys start a partial match each, then go quiet.
  for (let k = 0; k < 1000; k++) input.push({ id: `a${k}`, kind: 'a', ts: 10 + Math.floor(k / 20), key: `key${k}`, value: 0 });
  for (let k = 0; k < 1000; k += 2) input.push({ id: `b${k}`, kind: 'b', ts: 70, key: `key${k}`, value: 0 });
  assert.deepEqual(cepState(driver, cep), { nfa: 1000, waiting: 500 }, 'the a events went in as the watermark passed them, the b events wait for it');
  input.advanceWatermark(80);
  let m = driver.metrics().operators.find((o) => o.kind === 'cep')!;
  assert.equal(m.partialMatches, 1000, 'every key waits (for a b, or in the loop of b)');
  assert.ok(m.bufferedEvents >= 1500);
  assert.deepEqual(cepState(driver, cep), { nfa: 1000, waiting: 0 }, 'every key has NFA state; nothing waits for the watermark any more');
  // Only the watermark moves (a Kafka partition that went quiet would do the same): the partial
  // matches expire and every key's state goes, without an event of that key (FLINK-15160, FLINK-23314).
  input.advanceWatermark(10 + 49 + 100);
  m = driver.metrics().operators.find((o) => o.kind === 'cep')!;
  assert.equal(m.partialMatches, 0);
  assert.equal(m.bufferedEvents, 0);
  assert.equal(m.timedOutMatches, 1000);
  assert.equal(timedOut.values.length, 1000);
  assert.deepEqual(cepState(driver, cep), { nfa: 0, waiting: 0 });
});

test('a key whose partial matches all die leaves no state, with or without within', () => {
  const j = job(P.begin('a').where(kind('a')).next('b').where(kind('b')));
  const driver = StreamTestDriver.create(j.env);
  const input = driver.input<Ev>('events');
  const cep = j.env.plan().nodes.find((n) => n.kind === 'cep')!.id;
  for (let k = 0; k < 200; k++) for (const e of events('a x a b', `key${k}`, 10)) input.push(e);
  input.advanceWatermark(100);
  assert.deepEqual(cepState(driver, cep), { nfa: 0, waiting: 0 });
  assert.equal(driver.metrics().operators.find((o) => o.kind === 'cep')!.partialMatches, 0);
});

test('late events go to the side output or are counted; events without a timestamp fail with what to do', () => {
  const late = new OutputTag<Ev>('late');
  const j = job(P.begin('a').where(kind('a')).next('b').where(kind('b')), { late, lag: 0 });
  const driver = StreamTestDriver.create(j.env);
  const out = driver.output<string>(j.out as never);
  const lateOut = driver.sideOutput(j.out as never, late);
  const input = driver.input<Ev>('events');
  for (const e of events('a b', 'k', 10)) input.push(e);
  input.push({ id: 'old', kind: 'a', ts: 5, key: 'k', value: 0 });
  driver.endInput();
  assert.deepEqual(out.values, ['a:a|b:b@11']);
  assert.deepEqual(lateOut.values.map((e) => e.id), ['old']);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  const dropped = job(P.begin('a').where(kind('a')), { lag: 0 });
  const d2 = StreamTestDriver.create(dropped.env);
  d2.input<Ev>('events').push({ id: 'a1', kind: 'a', ts: 10, key: 'k', value: 0 }).push({ id: 'a0', kind: 'a', ts: 9, key: 'k', value: 0 });
  assert.equal(d2.metrics().lateDropped, 1);

  const env = StreamEnvironment.create({ log: () => {} });
  const s = env.fromCollection<Ev>([{ id: 'a', kind: 'a', ts: 1, key: 'k', value: 0 }], WatermarkStrategy.noWatermarks());
  CEP.pattern(s.keyBy((e) => e.key), P.begin('a')).select(() => 1).sinkTo(sinks.collect());
  return assert.rejects(env.execute('no-ts'), /no event timestamp .* in pattern .*inProcessingTime/);
});

test('processing time: events match as they arrive; within ends partial matches by the clock', () => {
  const j = job(P.begin('a').where(kind('a')).followedBy('b').where(kind('b')).within(1_000), { processingTime: true });
  const driver = StreamTestDriver.create(j.env, { startTime: 5_000 });
  const out = driver.output<string>(j.out as never);
  const timedOut = driver.sideOutput(j.out as never, j.timedOut);
  const input = driver.input<Ev>('events');
  input.push({ id: 'a1', kind: 'a', ts: 1, key: 'k', value: 0 });
  driver.advanceProcessingTime(500);
  input.push({ id: 'b1', kind: 'b', ts: 0, key: 'k', value: 0 });
  assert.deepEqual(out.values, ['a:a1|b:b1@5500'], 'timestamps are ignored: arrival order and the clock decide');
  input.push({ id: 'a2', kind: 'a', ts: 1, key: 'k', value: 0 });
  driver.advanceProcessingTime(999);
  assert.deepEqual(timedOut.values, []);
  driver.advanceProcessingTime(1);
  assert.deepEqual(timedOut.values, ['a:a2@6500']);
  assert.equal(driver.metrics().operators.find((o) => o.kind === 'cep')!.partialMatches, 0);
});

test('a stream that is not keyed is matched as a whole by one operator', () => {
  const j = job(P.begin('a').where(kind('a')).next('b').where(kind('b')), { keyed: false });
  const driver = StreamTestDriver.create(j.env);
  const out = driver.output<string>(j.out as never);
  const input = driver.input<Ev>('events');
  input.push({ id: 'a1', kind: 'a', ts: 1, key: 'x', value: 0 }).push({ id: 'b2', kind: 'b', ts: 2, key: 'y', value: 0 });
  driver.endInput();
  assert.deepEqual(out.values, ['a:a1|b:b2@2'], 'events of different "keys" match each other');
  assert.match(j.env.explain(), /key-by 'cep-all#\d+'[\s\S]*cep 'cep-all#\d+\/cep'/);
});

test('patterns Flink rejects are rejected here too, saying why', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => CEP.pattern(StreamEnvironment.create().fromCollection<Ev>([]).keyBy((e) => e.key), P.begin('a').notFollowedBy('b')), /ends in notFollowedBy\('b'\) without within/],
    [() => P.begin('a').until(kind('b')), /until\(\) applies to looping stages/],
    [() => P.begin('a').oneOrMore().until(kind('b')).until(kind('c')), /already has an until/],
    [() => P.begin('a').greedy(), /greedy\(\) applies to looping or times stages/],
    [() => P.begin('a').oneOrMore().allowCombinations().greedy(), /greedy\(\) does not combine with allowCombinations/],
    [() => P.begin('a').consecutive(), /consecutive\(\) applies to looping or times stages/],
    [() => P.begin('a').oneOrMore().consecutive().allowCombinations(), /either consecutive\(\) or allowCombinations\(\)/],
    [() => P.begin('a').oneOrMore().times(2), /already has a quantifier/],
    [() => P.begin('a').optional().oneOrMore(), /write the quantifier first, then optional\(\)/],
    [() => P.begin('a').optional().optional(), /optional\(\) is applied twice/],
    [() => P.begin('a').oneOrMore().greedy().next('b').optional(), /cannot follow a greedy one/],
    [() => P.begin('a').optional().notNext('b'), /negated stage cannot follow an optional one/],
    [() => P.begin('a').notNext('b').optional(), /cannot be optional/],
    [() => P.begin('a').notFollowedBy('b').oneOrMore(), /does not apply to the negated stage/],
    [() => P.begin('a').times(0), /times\(n\) must be an integer >= 1/],
    [() => P.begin('a').times(3, 2), /to must be >= from/],
    [() => P.begin('a').within(0), /positive, finite/],
    [() => CEP.pattern(StreamEnvironment.create().fromCollection<Ev>([]), P.begin('a').next('a' as string)), /'a' is used twice/],
    [() => CEP.pattern(StreamEnvironment.create().fromCollection<Ev>([]), P.begin('a').next(P.begin('b')).next('b' as string)), /'b' is used twice/],
    [() => CEP.pattern(StreamEnvironment.create().fromCollection<Ev>([]), P.begin(P.begin('a').optional().next('b').optional()).oneOrMore()), /all optional could match nothing forever/],
  ];
  for (const [f, message] of cases) {
    assert.throws(f, (e: unknown) => e instanceof MalformedPatternError && message.test((e as Error).message), String(message));
  }
});

test('explain shows the pattern and warns about patterns whose state cannot be bounded or that can never match', () => {
  const env = StreamEnvironment.create();
  const keyed = env.fromCollection<Ev>([], WatermarkStrategy.noWatermarks()).keyBy((e) => e.key);
  const same = kind('x');
  CEP.pattern(keyed, P.begin('a').where(kind('a')).followedByAny('b').oneOrMore()).select(() => 1).name('unbounded').sinkTo(sinks.collect());
  CEP.pattern(keyed, P.begin('a').notNext('n').where(same).next('b').where(same)).select(() => 1).name('never').sinkTo(sinks.collect());
  CEP.pattern(keyed, P.begin('a').followedBy('b').oneOrMore().within(1_000), { skip: AfterMatchSkipStrategy.skipToLast('b') }).select(() => 1).name('fine').sinkTo(sinks.collect());
  const text = env.explain('cep');
  assert.match(text, /cep 'unbounded': pattern begin\('a'\)\.where\(\.\.\)\.followedByAny\('b'\)\.oneOrMore\(\) \[event-time, no-skip, \d+ NFA states\]/);
  assert.match(text, /warning: stage 'b' loops \(oneOrMore\) and the pattern has no within\(ms\)[^\n]*add \.within\(ms\)/);
  assert.match(text, /warning: stage 'b' can never match: it must be the event right after the previous stage, which notNext\('n'\) forbids/);
  const fine = text.split('\n').findIndex((l) => l.includes("cep 'fine'"));
  assert.ok(fine > 0 && !text.split('\n')[fine + 1].includes('warning'), 'a pattern with within gets no warning');
  assert.match(text, /skip-to-last\('b'\)/);
});
