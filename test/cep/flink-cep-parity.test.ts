import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CEP, StreamEnvironment, WatermarkStrategy, sinks, sources } from '../../src/index.ts';
import { StreamTestDriver } from '../../src/testing/index.ts';
import { flinkParityRun, type ParityOutput } from '../../bench/cep/flink-cep-peer.ts';
import { show, type Ev } from './cep-harness.ts';
import { parityInput } from './parity-input.ts';
import { PARITY_PATTERNS } from './parity-patterns.ts';

// The same fixed patterns on the same events, on Apache Flink CEP 1.20 (the flink-cep jar from
// Maven Central, in the Flink peer) and on Eddy: per key, the same matches in the same order with
// the same timestamps, and the same timed-out partial matches. Builds and runs the JVM peer (JDK 17
// and Maven), about a minute; set EDDY_SKIP_FLINK=1 to leave it out.

const LAG = 3;

function eddyRun(name: string, input: readonly Ev[]): ParityOutput[] {
  const { pattern, skip, timeouts } = PARITY_PATTERNS[name];
  const env = StreamEnvironment.create({ log: () => {} });
  const keyed = env.fromSource(sources.collection<Ev>([]), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(LAG).withTimestampAssigner((e) => e.ts), 'events')
    .keyBy((e) => e.key);
  const out: ParityOutput[] = [];
  const keyOf = (m: Record<string, readonly Ev[]>) => Object.values(m).find((es) => es.length > 0)?.[0].key ?? '?';
  const stream = CEP.pattern(keyed, pattern, { skip }).process<ParityOutput>({
    processMatch(match, ctx, o) {
      o.collect({ pattern: name, type: 'M', key: keyOf(match), ts: ctx.timestamp(), match: show(match) });
    },
    ...(timeouts ? {
      processTimedOutMatch(match: Record<string, Ev[]>, ctx: { timestamp(): number }) {
        out.push({ pattern: name, type: 'T', key: keyOf(match), ts: ctx.timestamp(), match: show(match) });
      },
    } : {}),
  });
  stream.sinkTo(sinks.collect<ParityOutput>());
  const driver = StreamTestDriver.create(env);
  const captured = driver.output(stream);
  const events = driver.input<Ev>('events');
  for (const e of input) events.push(e);
  driver.endInput();
  return [...captured.values, ...out];
}

/** Per key and kind, the outputs in order; timestamps dropped where they are not compared. */
function byKey(outputs: readonly ParityOutput[], withTimes: boolean): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const o of outputs) {
    const k = `${o.type} ${o.key}`;
    const end = o.ts >= 2 ** 62; // Flink stamps matches released by the final watermark with Long.MAX_VALUE
    const line = withTimes && !end && o.type === 'M' ? `${o.match} @${o.ts}` : o.type === 'T' ? `${o.match} @${o.ts}` : o.match;
    m.set(k, [...(m.get(k) ?? []), line]);
  }
  return m;
}


test('Eddy CEP matches Flink CEP 1.20 on every parity pattern', { timeout: 900_000, skip: process.env.EDDY_SKIP_FLINK === '1' ? 'EDDY_SKIP_FLINK=1' : false }, () => {
  const input = parityInput(20261207, 400, 4, LAG);
  const names = Object.keys(PARITY_PATTERNS);
  const flink = flinkParityRun(input, names, LAG);
  const failures: string[] = [];
  let matches = 0;
  for (const name of names) {
    const eddy = eddyRun(name, input);
    const f = flink.filter((o) => o.pattern === name);
    matches += f.length;
    const withTimes = PARITY_PATTERNS[name].compareTimestamps;
    const a = byKey(f, withTimes);
    const b = byKey(eddy, withTimes);
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(k) ?? [];
      const y = b.get(k) ?? [];
      // Timed-out partial matches of one time step come in Flink's heap order; compare them as sets.
      const [fx, ey] = k.startsWith('T') ? [[...x].sort(), [...y].sort()] : [x, y];
      if (JSON.stringify(fx) !== JSON.stringify(ey)) {
        failures.push(`${name} ${k}:\n  flink ${JSON.stringify(fx.slice(0, 12))}\n  eddy  ${JSON.stringify(ey.slice(0, 12))}`);
      }
    }
    assert.ok(f.length > 0 || name === 'times-or-more-consecutive', `${name}: Flink made no output on the input (a pattern that tests nothing)`);
  }
  assert.deepEqual(failures, [], `${failures.length} differences:\n${failures.join('\n')}`);
  assert.ok(matches > 500, `only ${matches} outputs over all patterns`);
});
