/**
 * Regenerates data/readings.jsonl: 12 sensors reporting every 30 s for two hours (2,880 readings)
 * from a seeded PRNG. Network delays of up to 3 s reorder them (within the 15 s bound). 5 arrive
 * 20-75 s after their window closed, within the minute of allowed lateness: still averaged, and a
 * window that has fired fires again. 6 arrive 55-70 minutes late (a gateway replaying its buffer)
 * and go to the late output.
 *
 *   node --conditions=eddy-source --import tsx examples/iot-temperature/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-06-03T06:00:00Z */
export const START = Date.UTC(2024, 5, 3, 6, 0, 0);
const PERIOD_MS = 30_000;
const TICKS = 240;
const WINDOW_MS = 5 * 60_000;
/** Name, typical temperature and how far it swings over the two hours. */
const SENSORS: readonly (readonly [string, number, number])[] = [
  ['greenhouse-1', 24, 4], ['greenhouse-2', 23, 5], ['greenhouse-3', 25, 3], ['greenhouse-4', 22, 4],
  ['cold-room-1', 3, 1], ['cold-room-2', 4, 1.5], ['freezer-1', -18, 2], ['freezer-2', -20, 1],
  ['server-room-1', 19, 2], ['server-room-2', 20, 3], ['boiler-room', 31, 6], ['office', 21, 2],
];

/** The file's text: one JSON reading per line, in arrival order. */
export function generateReadings(seed = 20240603): string {
  const random = prng(seed);
  const sent: { arrival: number; sensor: string; ts: number; celsius: number }[] = [];
  SENSORS.forEach(([sensor, base, swing], s) => {
    const phase = Math.floor(random() * PERIOD_MS);
    for (let k = 0; k < TICKS; k++) {
      const ts = START + k * PERIOD_MS + phase;
      const celsius = Math.round((base + swing * Math.sin((2 * Math.PI * k) / TICKS + s) + (random() - 0.5)) * 10) / 10;
      sent.push({ arrival: ts + Math.floor(random() * 3_000), sensor, ts, celsius });
    }
  });
  sent.sort((a, b) => a.arrival - b.arrival || a.sensor.localeCompare(b.sensor));

  const slightlyLate = new Set<number>();
  while (slightlyLate.size < 5) slightlyLate.add(300 + Math.floor(random() * 2_400));
  const veryLate = new Set<number>();
  while (veryLate.size < 6) veryLate.add(1_900 + Math.floor(random() * 950));
  let owedSlightlyLate = 0;
  const lines = sent.map(({ arrival, sensor, ts, celsius }, i) => {
    const intoWindow = (arrival - START) % WINDOW_MS;
    if (slightlyLate.has(i)) owedSlightlyLate++;
    if (veryLate.has(i)) {
      ts = arrival - 55 * 60_000 - Math.floor(random() * 15 * 60_000);
    } else if (owedSlightlyLate > 0 && intoWindow >= 20_000 && intoWindow <= 70_000) {
      // Taken in the last seconds of the previous window, held up by the gateway.
      ts = arrival - intoWindow - 1_000 - Math.floor(random() * 4_000);
      owedSlightlyLate--;
    }
    return JSON.stringify({ sensor, ts, celsius });
  });
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/readings.jsonl', import.meta.url));
  writeFileSync(path, generateReadings());
  console.log(`wrote ${path}`);
}
