// Property test: random patterns (every stage kind, contiguity, quantifier, negation, within and
// skip strategy, in combination) over random keyed events arriving out of order within the
// watermark bound, through the real operator in the test driver; each key's matches are checked
// against the brute-force matcher of brute-force-matcher.ts. Group patterns, greedy loops and
// iterative conditions are left to the Flink parity test (flink-cep-parity.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AfterMatchSkipStrategy, CEP, Pattern, StreamEnvironment, WatermarkStrategy, sinks, sources, type PatternBuilder } from '../../src/index.ts';
import { StreamTestDriver } from '../../src/testing/index.ts';
import { allMatches, checkEmission, type OracleNegation, type OraclePattern, type OracleSkip, type OracleStage } from './brute-force-matcher.ts';
import { show, type Ev } from './cep-harness.ts';

const LAG = 2;

interface Case {
  readonly pattern: OraclePattern;
  readonly skip: OracleSkip;
  readonly events: Ev[];
}

const kindsArb = fc.constantFrom(['a'], ['b'], ['c'], ['a', 'b'], ['b', 'c']);
const quantArb = fc.oneof(
  fc.constant({ q: 'single' as const, min: 1, max: 1, optional: false }),
  fc.constant({ q: 'single' as const, min: 1, max: 1, optional: false }),
  fc.integer({ min: 2, max: 3 }).map((n) => ({ q: 'times' as const, min: n, max: n, optional: false })),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 })).map(([from, extra]) => ({ q: 'range' as const, min: Math.max(1, from), max: Math.max(1, from) + extra, optional: from === 0 })),
  fc.constant({ q: 'loop' as const, min: 1, max: Number.POSITIVE_INFINITY, optional: false }),
  fc.constant({ q: 'loop' as const, min: 2, max: Number.POSITIVE_INFINITY, optional: false }),
);
const stageArb = fc.record({
  kinds: kindsArb,
  consuming: fc.constantFrom('strict' as const, 'relaxed' as const, 'any' as const),
  quant: quantArb,
  optional: fc.boolean(),
  inner: fc.constantFrom('strict' as const, 'relaxed' as const, 'relaxed' as const, 'any' as const),
  until: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { freq: 4 }),
  negation: fc.option(fc.record({ type: fc.constantFrom('not-next' as const, 'not-followed-by' as const), kinds: fc.constantFrom(['n'], ['d'], ['n', 'd']) }), { freq: 4 }),
});
const eventsArb = fc.array(fc.record({ kind: fc.constantFrom('a', 'a', 'b', 'b', 'c', 'd', 'n'), key: fc.constantFrom('k1', 'k2'), step: fc.integer({ min: 0, max: 2 }), back: fc.integer({ min: 0, max: LAG }) }), { minLength: 8, maxLength: 24 });

const caseArb: fc.Arbitrary<Case> = fc.record({
  stages: fc.array(stageArb, { minLength: 1, maxLength: 3 }),
  within: fc.option(fc.integer({ min: 2, max: 9 }), { freq: 2 }),
  skip: fc.constantFrom('no-skip', 'no-skip', 'skip-to-next', 'skip-past-last-event', 'skip-to-first', 'skip-to-last'),
  skipStage: fc.nat(),
  events: eventsArb,
}).map(({ stages: raw, within, skip, skipStage, events: rawEvents }) => {
  const stages: OracleStage[] = [];
  const negations: OracleNegation[] = [];
  raw.forEach((r, i) => {
    const looping = r.quant.q === 'loop';
    const quantified = r.quant.q !== 'single';
    // A negation cannot follow an optional stage (Flink rejects it); optional() is not applied twice.
    const wantsNegation = r.negation !== null && (i < raw.length - 1 || r.negation.type === 'not-next' || within !== null);
    // The stage right after a notFollowedBy is required (an optional one there keeps Flink's
    // negation in force in ways the documentation does not describe).
    const afterAbsence = negations.length > 0 && negations[negations.length - 1].after === i - 1 && negations[negations.length - 1].type === 'not-followed-by';
    const optional = !afterAbsence && !wantsNegation && (r.quant.optional || r.optional);
    stages.push({
      name: `s${i}`, kinds: r.kinds, consuming: i === 0 ? 'strict' : r.consuming, min: r.quant.min, max: r.quant.max,
      optional, inner: quantified ? r.inner : 'relaxed', until: looping ? r.until : null,
    });
    if (wantsNegation && !stages[i].optional) negations.push({ type: r.negation!.type, kinds: r.negation!.kinds, after: i });
  });
  let base = 1 + LAG;
  const events: Ev[] = rawEvents.map((e, i) => {
    base += e.step;
    return { id: `${e.kind}${i}`, kind: e.kind, ts: base - e.back, key: e.key, value: 0 };
  });
  const oracleSkip: OracleSkip = skip === 'skip-to-first' || skip === 'skip-to-last' ? { kind: skip, stage: skipStage % stages.length } : { kind: skip as 'no-skip' };
  return { pattern: { stages, negations, within }, skip: oracleSkip, events };
});

/** The same pattern with Eddy's builder. */
function build(p: OraclePattern): { pattern: any; describe: string } {
  let b: any = null;
  const calls: string[] = [];
  const call = (name: string, ...args: unknown[]) => {
    calls.push(`${name}(${args.map((a) => (typeof a === 'function' ? 'fn' : JSON.stringify(a))).join(', ')})`);
    b = b === null ? (Pattern as any)[name](...args) : b[name](...args);
  };
  p.stages.forEach((s, i) => {
    if (i === 0) call('begin', s.name);
    else call(s.consuming === 'strict' ? 'next' : s.consuming === 'relaxed' ? 'followedBy' : 'followedByAny', s.name);
    call('where', (e: Ev) => s.kinds.includes(e.kind));
    const looping = s.max === Number.POSITIVE_INFINITY;
    if (looping) {
      if (s.min === 1) call('oneOrMore');
      else call('timesOrMore', s.min);
    } else if (s.min !== s.max) call('times', s.min, s.max);
    else if (s.min > 1) call('times', s.min);
    if (s.min !== s.max || s.min > 1) {
      if (s.inner === 'strict') call('consecutive');
      if (s.inner === 'any') call('allowCombinations');
    }
    if (s.optional) call('optional');
    if (s.until !== null) call('until', (e: Ev) => e.kind === s.until);
    for (const n of p.negations.filter((x) => x.after === i)) {
      call(n.type === 'not-next' ? 'notNext' : 'notFollowedBy', `x${i}`);
      call('where', (e: Ev) => n.kinds.includes(e.kind));
    }
  });
  if (p.within !== null) call('within', p.within);
  return { pattern: b, describe: calls.join('.') };
}

function skipOf(s: OracleSkip, p: OraclePattern): AfterMatchSkipStrategy<string> {
  switch (s.kind) {
    case 'no-skip': return AfterMatchSkipStrategy.noSkip();
    case 'skip-to-next': return AfterMatchSkipStrategy.skipToNext();
    case 'skip-past-last-event': return AfterMatchSkipStrategy.skipPastLastEvent();
    case 'skip-to-first': return AfterMatchSkipStrategy.skipToFirst(p.stages[s.stage].name);
    case 'skip-to-last': return AfterMatchSkipStrategy.skipToLast(p.stages[s.stage].name);
  }
}

function runEddy(pattern: any, skip: AfterMatchSkipStrategy<string>, events: readonly Ev[]): Map<string, string[]> {
  const env = StreamEnvironment.create({ log: () => {} });
  const keyed = env.fromSource(sources.collection<Ev>([]), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(LAG).withTimestampAssigner((e) => e.ts), 'events')
    .keyBy((e) => e.key);
  const out = CEP.pattern(keyed, pattern as PatternBuilder<Ev, Record<string, Ev>>, { skip }).process<[string, string]>({
    processMatch(match, _ctx, o) {
      const m = match as Record<string, Ev[]>;
      o.collect([Object.values(m).find((es) => es.length > 0)![0].key, show(m)]);
    },
  });
  out.sinkTo(sinks.collect<[string, string]>());
  const driver = StreamTestDriver.create(env);
  const captured = driver.output(out);
  const input = driver.input<Ev>('events');
  for (const e of events) input.push(e);
  driver.endInput();
  const byKey = new Map<string, string[]>();
  for (const [k, m] of captured.values) byKey.set(k, [...(byKey.get(k) ?? []), m]);
  return byKey;
}

test('the operator emits what the brute-force matcher of the documented semantics finds, for random patterns and keyed input', () => {
  let matched = 0;
  let cases = 0;
  fc.assert(
    fc.property(caseArb, ({ pattern, skip, events }) => {
      const { pattern: built, describe } = build(pattern);
      const emitted = runEddy(built, skipOf(skip, pattern), events);
      for (const key of ['k1', 'k2']) {
        // The key's events in processing order: by timestamp, arrival order among equal ones.
        const mine = events.filter((e) => e.key === key).map((e, i) => ({ e, i })).sort((x, y) => x.e.ts - y.e.ts || x.i - y.i).map((x) => x.e);
        const candidates = allMatches(pattern, mine);
        const got = emitted.get(key) ?? [];
        matched += got.length;
        const problems = checkEmission(pattern, skip, candidates, got, mine);
        if (problems.length > 0) {
          throw new Error(`${describe} (${skip.kind}${'stage' in skip ? ` s${skip.stage}` : ''}), key ${key}, events ${mine.map((e) => `${e.id}@${e.ts}`).join(' ')}:\n  ${problems.join('\n  ')}`);
        }
      }
      cases++;
    }),
    { numRuns: Number(process.env.CEP_ORACLE_RUNS ?? 400), seed: process.env.CEP_ORACLE_SEED ? Number(process.env.CEP_ORACLE_SEED) : undefined },
  );
  assert.ok(matched > cases, `the random cases made only ${matched} matches in ${cases} cases: the generator tests too little`);
});
