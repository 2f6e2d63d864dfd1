/**
 * iot-temperature: exact averages, a late firing and the late output with the StreamTestDriver;
 * the whole job on the sample data against a brute-force average.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateReadings } from './make-data.ts';
import {
  ALLOWED_LATENESS_MS, OUT_OF_ORDERNESS_MS, WINDOW_MS, iotTemperature, type IotTemperaturePaths, type Reading, type SensorAverage,
} from './pipeline.ts';

const SAMPLE = fileURLToPath(new URL('data/readings.jsonl', import.meta.url));

function pathsIn(dir: string, readings: string): IotTemperaturePaths {
  return { readings, averages: join(dir, 'averages.jsonl'), lateReadings: join(dir, 'late-readings.jsonl') };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

function drive() {
  const env = StreamEnvironment.create();
  const job = iotTemperature(env, pathsIn('unused', 'unused.jsonl'));
  const driver = StreamTestDriver.create(env);
  const averages = driver.output(job.averages);
  const late = driver.output(job.lateReadings);
  return { driver, averages, late, readings: driver.input<Reading>('readings') };
}

const reading = (sensor: string, ts: number, celsius: number): Reading => ({ sensor, ts, celsius });
const W = WINDOW_MS;

test('averages each sensor over five minutes when the watermark (max ts - 15 s) passes the window end', () => {
  const { readings, averages } = drive();
  readings.push(reading('s1', 10_000, 20)).push(reading('s2', 20_000, 5)).push(reading('s1', 290_000, 22));
  readings.push(reading('s1', 305_000, 30)); // watermark 289_999
  readings.push(reading('s2', 299_000, 7)); // 6 s out of order: on time
  assert.deepEqual(averages.values, []);
  readings.push(reading('s2', 316_000, 8)); // watermark 300_999: the first window fires
  assert.deepEqual(averages.take(), [
    { sensor: 's1', start: 0, end: W, celsius: 21 },
    { sensor: 's2', start: 0, end: W, celsius: 6 },
  ]);
  readings.end();
  assert.deepEqual(averages.take(), [
    { sensor: 's1', start: W, end: 2 * W, celsius: 30 },
    { sensor: 's2', start: W, end: 2 * W, celsius: 8 },
  ]);
});

test('a reading within the minute of allowed lateness corrects its average; a later one goes to the late output', () => {
  const { driver, readings, averages, late } = drive();
  readings.push(reading('s1', 100_000, 20)).push(reading('s1', 320_000, 21)); // watermark 304_999: fires
  assert.deepEqual(averages.take(), [{ sensor: 's1', start: 0, end: W, celsius: 20 }]);

  readings.push(reading('s1', 250_000, 23)); // late, within the minute: fires again
  assert.deepEqual(averages.take(), [{ sensor: 's1', start: 0, end: W, celsius: 21.5 }]);
  readings.push(reading('s2', 200_000, 10.25)); // late too, for a sensor the window had not seen
  assert.deepEqual(averages.take(), [{ sensor: 's2', start: 0, end: W, celsius: 10.25 }]);

  readings.push(reading('s1', 376_000, 23)); // watermark 360_999 >= 299_999 + 60_000: the window is gone
  readings.push(reading('s1', 50_000, 99));
  assert.deepEqual(averages.take(), []);
  assert.deepEqual(late.values, [reading('s1', 50_000, 99)]);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  driver.endInput();
  assert.deepEqual(averages.take(), [{ sensor: 's1', start: W, end: 2 * W, celsius: 22 }]);
});

test('the sample data is what make-data.ts generates', () => {
  assert.equal(readFileSync(SAMPLE, 'utf8'), generateReadings());
});

/** Readings in file order; the watermark before each is the highest timestamp so far minus the bound minus 1. */
function bruteForce(readings: readonly Reading[]) {
  const sums = new Map<string, { sensor: string; start: number; sum: number; n: number }>();
  const late: Reading[] = [];
  let lateFirings = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const r of readings) {
    const watermark = maxTs - OUT_OF_ORDERNESS_MS - 1;
    const start = Math.floor(r.ts / WINDOW_MS) * WINDOW_MS;
    if (start + WINDOW_MS - 1 + ALLOWED_LATENESS_MS <= watermark) {
      late.push(r);
    } else {
      const id = `${r.sensor}@${start}`;
      const s = sums.get(id) ?? { sensor: r.sensor, start, sum: 0, n: 0 };
      s.sum += r.celsius;
      s.n += 1;
      sums.set(id, s);
      if (start + WINDOW_MS - 1 <= watermark) lateFirings++;
    }
    maxTs = Math.max(maxTs, r.ts);
  }
  const averages = new Map<string, SensorAverage>();
  for (const [id, s] of sums) {
    averages.set(id, { sensor: s.sensor, start: s.start, end: s.start + WINDOW_MS, celsius: Math.round((s.sum / s.n) * 100) / 100 });
  }
  return { averages, late, lateFirings };
}

function finalAverages(results: readonly SensorAverage[]): Map<string, SensorAverage> {
  const last = new Map<string, SensorAverage>();
  for (const r of results) last.set(`${r.sensor}@${r.start}`, r);
  return last;
}

const sorted = (m: Map<string, SensorAverage>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// Batches of one record match the reading-by-reading brute force exactly, late firings included;
// the default batch size must reach the same final averages.
for (const batchSize of [1, 1024]) {
  test(`the job on the sample data matches a brute-force average (batches of ${batchSize})`, async () => {
    const input = readJsonl<Reading>(SAMPLE);
    const expected = bruteForce(input);
    assert.equal(input.length, 2_880);
    assert.equal(expected.late.length, 6);

    const dir = mkdtempSync(join(tmpdir(), 'iot-temperature-'));
    const paths = pathsIn(dir, SAMPLE);
    const env = StreamEnvironment.create({ batchSize });
    iotTemperature(env, paths);
    const result = await env.execute('iot-temperature');

    assert.equal(result.status, 'finished');
    const averages = readJsonl<SensorAverage>(paths.averages);
    assert.deepEqual(sorted(finalAverages(averages)), sorted(expected.averages));
    if (batchSize === 1) {
      assert.ok(expected.lateFirings > 0, 'the sample has readings within the allowed lateness');
      assert.equal(averages.length, expected.averages.size + expected.lateFirings);
    }
    assert.deepEqual(readJsonl<Reading>(paths.lateReadings), expected.late);
  });
}
