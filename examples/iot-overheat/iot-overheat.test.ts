/**
 * iot-overheat: the pattern with the StreamTestDriver (a rise with heartbeats is fine, a rise
 * without them is an alert, a dip breaks the rise, one rise is one alert); the whole job on the
 * sample data against a brute-force reading of the pattern.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateMessages } from './make-data.ts';
import { SILENT_WITHIN_MS, iotOverheat, type Message, type Overheat, type Reading } from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/messages.jsonl', import.meta.url));
const readJsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
const T0 = 3_600_000;
const temp = (sensor: string, s: number, celsius: number): Message => ({ kind: 'temp', sensor, ts: T0 + s * 1_000, celsius });
const beat = (sensor: string, s: number): Message => ({ kind: 'heartbeat', sensor, ts: T0 + s * 1_000 });

function drive() {
  const env = StreamEnvironment.create();
  const { alerts } = iotOverheat(env, { messages: 'unused', alerts: 'unused' });
  const driver = StreamTestDriver.create(env);
  return { driver, alerts: driver.output(alerts), input: driver.input<Message>('messages') };
}

test('three rising readings and no heartbeat for three minutes raise one alert, when the three minutes are up', () => {
  const { driver, alerts, input } = drive();
  for (const m of [temp('a', 0, 40), beat('a', 5), temp('a', 30, 41), temp('a', 60, 43), temp('a', 90, 44), temp('a', 120, 46)]) input.push(m);
  assert.deepEqual(alerts.values, [], 'not before the window has passed');
  input.push(temp('a', 300, 50));
  // Readings 0, 30, 60 rise and no heartbeat comes after the third within 180 s: alert. The rises
  // from 30 and 60 started at or before its last reading and are skipped (skipPastLastEvent); the
  // one from 90 (44, 46, 50) misses the window (300 - 90 >= 180).
  assert.deepEqual(alerts.values, [{ sensor: 'a', readings: [40, 41, 43], risingFrom: T0, silentUntil: T0 + SILENT_WITHIN_MS }]);
  assert.deepEqual(alerts.timestamps, [T0 + SILENT_WITHIN_MS]);
  driver.endInput();
  assert.equal(alerts.values.length, 1);
});

test('a heartbeat after the rise, or a lower reading in between, means no alert', () => {
  const { driver, alerts, input } = drive();
  for (const m of [temp('b', 0, 40), temp('b', 30, 41), temp('b', 60, 42), beat('b', 100)]) input.push(m);
  for (const m of [temp('c', 0, 40), temp('c', 30, 41), temp('c', 60, 39), temp('c', 90, 42)]) input.push(m);
  driver.endInput();
  assert.deepEqual(alerts.values, []);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateMessages());
});

/**
 * The pattern read by hand, per sensor in time order: three consecutive readings (heartbeats
 * between them do not count) that rise, the third within the window of the first, and no
 * heartbeat after the third before the window ends; of overlapping rises, the earliest wins and
 * the next may start only after its last reading.
 */
function bruteForce(messages: readonly Message[]): Overheat[] {
  const out: Overheat[] = [];
  const bySensor = new Map<string, Message[]>();
  messages.forEach((m) => bySensor.set(m.sensor, [...(bySensor.get(m.sensor) ?? []), m]));
  for (const list of bySensor.values()) {
    const ordered = list.map((m, i) => ({ m, i })).sort((a, b) => a.m.ts - b.m.ts || a.i - b.i).map((x) => x.m);
    const temps = ordered.map((m, i) => ({ m, i })).filter((x) => x.m.kind === 'temp') as { m: Reading; i: number }[];
    let after = -1;
    for (let k = 0; k + 2 < temps.length; k++) {
      const [r1, r2, r3] = [temps[k], temps[k + 1], temps[k + 2]];
      if (r1.i <= after || !(r2.m.celsius > r1.m.celsius && r3.m.celsius > r2.m.celsius) || r3.m.ts - r1.m.ts >= SILENT_WITHIN_MS) continue;
      const end = r1.m.ts + SILENT_WITHIN_MS;
      if (ordered.some((m, i) => i > r3.i && m.ts < end && m.kind === 'heartbeat')) continue;
      out.push({ sensor: r1.m.sensor, readings: [r1.m.celsius, r2.m.celsius, r3.m.celsius], risingFrom: r1.m.ts, silentUntil: end });
      after = r3.i;
    }
  }
  return out;
}

test('the job on the sample data raises the brute-force alerts, only for the sensors that lost their heartbeat while heating', async () => {
  const expected = bruteForce(readJsonl<Message>(SAMPLE));
  assert.deepEqual([...new Set(expected.map((a) => a.sensor))].sort(), ['s03', 's07', 's10']);
  const dir = mkdtempSync(join(tmpdir(), 'iot-overheat-'));
  const paths = { messages: SAMPLE, alerts: join(dir, 'overheat.jsonl') };
  const env = StreamEnvironment.create();
  iotOverheat(env, paths);
  const result = await env.execute('iot-overheat');
  assert.equal(result.status, 'finished');
  assert.equal(result.metrics.lateDropped, 0);
  const key = (a: Overheat) => `${a.sensor}@${a.risingFrom}`;
  assert.deepEqual(readJsonl<Overheat>(paths.alerts).sort((a, b) => key(a).localeCompare(key(b))), expected.sort((a, b) => key(a).localeCompare(key(b))));
});
