// Type-level tests of pattern detection: `tsc --noEmit` (part of `npm test`) fails if a line marked
// as an expected error compiles. The stage names and event types flow through the pattern builder into
// matches, iterative conditions and skip strategies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AfterMatchSkipStrategy, CEP, OutputTag, Pattern, StreamEnvironment, WatermarkStrategy, type DataStream, type MatchOf,
} from 'eddy';

interface Auth { card: string; status: 'DECLINED' | 'APPROVED'; amount: number; ts: number }
interface Reading { kind: 'temp' | 'heartbeat'; sensor: string; temp?: number; ts: number }
interface Temp extends Reading { kind: 'temp'; temp: number }

test('stage names and event types are tracked: a misspelled stage is a compile error', () => {
  const env = StreamEnvironment.create();
  const auths = env.fromCollection<Auth>([], WatermarkStrategy.noWatermarks());
  const pattern = Pattern.of<Auth>().begin('declines').where((a) => a.status === 'DECLINED').timesOrMore(3)
    .followedBy('approved').where((a, ctx) => a.status === 'APPROVED' && a.amount > 500 && ctx.getEventsForPattern('declines').length >= 3)
    .within(10 * 60_000);
  const timedOut = new OutputTag<{ card: string }>('timed-out');
  const alerts = CEP.pattern(auths.keyBy((a) => a.card), pattern, { skip: AfterMatchSkipStrategy.skipPastLastEvent() }).process<{ card: string; declines: number }>({
    processMatch(match, _ctx, out) {
      const m: { declines: Auth[]; approved: Auth[] } = match;
      out.collect({ card: m.declines[0].card, declines: match.declines.length });
      // @ts-expect-error: there is no stage 'aproved'
      void match.aproved;
    },
    processTimedOutMatch(match, ctx) {
      ctx.output(timedOut, { card: match.declines[0].card });
    },
  });
  const typed: DataStream<{ card: string; declines: number }> = alerts;

  // @ts-expect-error: an iterative condition reads only stages that exist
  Pattern.of<Auth>().begin('a').where((_a, ctx) => ctx.getEventsForPattern('b').length > 0);
  // @ts-expect-error: conditions see the event type
  Pattern.of<Auth>().begin('a').where((a) => a.url === 'x');
  // @ts-expect-error: skip strategies name stages of the pattern (and at run time: an error that says so)
  assert.throws(() => CEP.pattern(auths.keyBy((a) => a.card), pattern, { skip: AfterMatchSkipStrategy.skipToFirst('declined') }), /no stage 'declined'/);
  CEP.pattern(auths.keyBy((a) => a.card), pattern, { skip: AfterMatchSkipStrategy.skipToLast('declines') });
  // @ts-expect-error: a group has no condition of its own
  assert.throws(() => Pattern.begin(Pattern.of<Auth>().begin('x')).where(() => true), /does not apply to a group/);
  // @ts-expect-error: late events of the input's type only
  CEP.pattern(auths.keyBy((a) => a.card), pattern).sideOutputLateData(new OutputTag<string>('late'));
  void typed;
  assert.ok(true);
});

test('negated stages are not in the match; groups add their stages; a type guard narrows a stage', () => {
  const env = StreamEnvironment.create();
  const readings = env.fromCollection<Reading>([], WatermarkStrategy.noWatermarks());
  const rising = Pattern.of<Reading>().begin('temps').where((r): r is Temp => r.kind === 'temp').times(3).consecutive()
    .notFollowedBy('heartbeat').where((r) => r.kind === 'heartbeat')
    .followedBy('alarm');
  const out = CEP.pattern(readings.keyBy((r) => r.sensor), rising).select((m) => {
    const t: number = m.temps[2].temp; // narrowed to Temp
    // @ts-expect-error: a negated stage holds no events
    void m.heartbeat;
    return { sensor: m.alarm[0].sensor, t };
  });
  const typed: DataStream<{ sensor: string; t: number }> = out;

  const pair = Pattern.of<Reading>().begin('hot').where((r) => (r.temp ?? 0) > 80).next('hotter');
  const grouped = Pattern.of<Reading>().begin('start').followedBy(pair).times(2);
  type M = MatchOf<NonNullable<typeof grouped.__types>['stages']>;
  const keys: (keyof M)[] = ['start', 'hot', 'hotter'];
  // @ts-expect-error: 'cold' is not a stage of the grouped pattern
  const bad: (keyof M)[] = ['cold'];
  void typed; void keys; void bad; void grouped;
  assert.ok(true);
});

test('Pattern.begin<T>(name) reads as in Flink; the first stage name is then only a string to the compiler', () => {
  const env = StreamEnvironment.create();
  const auths = env.fromCollection<Auth>([], WatermarkStrategy.noWatermarks());
  const pattern = Pattern.begin<Auth>('declines').where((a) => a.status === 'DECLINED').timesOrMore(3)
    .followedBy('approved').where((a) => a.status === 'APPROVED' && a.amount > 500).within(10 * 60_000);
  const out = CEP.pattern(auths.keyBy((a) => a.card), pattern).select((match) => ({ card: match.declines[0].card, n: match.approved.length }));
  const typed: DataStream<{ card: string; n: number }> = out;
  // @ts-expect-error: the event type is still tracked
  Pattern.begin<Auth>('a').where((a) => a.nope);
  void typed;
  assert.ok(true);
});
