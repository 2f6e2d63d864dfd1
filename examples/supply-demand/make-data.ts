/**
 * Regenerates data/requests.jsonl and data/drivers.jsonl: 40 minutes of ride requests and
 * driver pings over 9 map cells, from a seeded PRNG. 40 drivers ping every 15 s while free,
 * sometimes move to another cell, and go quiet while on a trip; requests come faster in the
 * centre cell and surge in one cell for a few minutes. Events reach the server up to 3 s out of
 * order (within the 5 s bound); 3 requests and 4 pings arrive 24-27 minutes late (phones that lost
 * the network) and go to the late output.
 *
 *   node --conditions=eddy-source --import tsx examples/supply-demand/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-09-06T17:00:00Z, a Friday evening. */
export const START = Date.UTC(2024, 8, 6, 17, 0, 0);
const DURATION_MS = 40 * 60_000;
const PING_MS = 15_000;
const DRIVERS = 40;
/** Cells and their usual requests per minute. */
const CELLS: readonly (readonly [string, number])[] = [
  ['9q8yt', 3], ['9q8yv', 4], ['9q8yw', 3],
  ['9q8yu', 5], ['9q8yy', 12], ['9q8yz', 5],
  ['9q8zh', 3], ['9q8zj', 4], ['9q8zn', 3],
];
const SURGE = { cell: '9q8yz', from: START + 20 * 60_000, to: START + 26 * 60_000, perMinute: 20 };

interface Sent<T> {
  readonly arrival: number;
  readonly record: T;
}

/** Records in arrival order, `late` of them (from the last `tail`) moved 24-27 minutes back in time. */
function lines<T extends { ts: number }>(sent: Sent<T>[], late: number, tail: number, random: () => number): string {
  sent.sort((a, b) => a.arrival - b.arrival);
  const veryLate = new Set<number>();
  while (veryLate.size < late) veryLate.add(sent.length - tail + Math.floor(random() * tail));
  const out = sent.map(({ arrival, record }, i) => {
    const ts = veryLate.has(i) ? arrival - 24 * 60_000 - Math.floor(random() * 3 * 60_000) : record.ts;
    return JSON.stringify({ ...record, ts });
  });
  return `${out.join('\n')}\n`;
}

/** The two files' text. */
export function generateSupplyDemand(seed = 20240906): { requests: string; drivers: string } {
  const random = prng(seed);
  const exponential = (perMinute: number): number => Math.floor((-Math.log(1 - random()) * 60_000) / perMinute);

  const requests: Sent<{ request_id: string; rider: string; cell: string; ts: number }>[] = [];
  for (const [cell, perMinute] of CELLS) {
    for (let t = START + exponential(perMinute); t < START + DURATION_MS; t += exponential(cell === SURGE.cell && t >= SURGE.from && t < SURGE.to ? SURGE.perMinute : perMinute)) {
      const rider = `r${String(1 + Math.floor(random() * 5_000)).padStart(4, '0')}`;
      requests.push({ arrival: t + Math.floor(random() * 1_500), record: { request_id: '', rider, cell, ts: t } });
    }
  }
  requests.sort((a, b) => a.record.ts - b.record.ts);
  const numbered = requests.map((s, i) => ({ ...s, record: { ...s.record, request_id: `q-${10_001 + i}` } }));

  const drivers: Sent<{ driver: string; cell: string; ts: number }>[] = [];
  for (let d = 1; d <= DRIVERS; d++) {
    const driver = `d${String(d).padStart(3, '0')}`;
    let cell = CELLS[Math.floor(random() * CELLS.length)][0];
    let busyUntil = 0;
    for (let t = START + Math.floor(random() * PING_MS); t < START + DURATION_MS; t += PING_MS) {
      if (t < busyUntil) continue;
      drivers.push({ arrival: t + Math.floor(random() * 3_000), record: { driver, cell, ts: t } });
      const r = random();
      if (r < 0.06) busyUntil = t + 5 * 60_000 + Math.floor(random() * 10 * 60_000); // took a ride
      else if (r < 0.12) cell = CELLS[Math.floor(random() * CELLS.length)][0];
    }
  }
  return { requests: lines(numbered, 3, 300, random), drivers: lines(drivers, 4, 600, random) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const data = generateSupplyDemand();
  for (const name of ['requests', 'drivers'] as const) {
    const path = fileURLToPath(new URL(`data/${name}.jsonl`, import.meta.url));
    writeFileSync(path, data[name]);
    console.log(`wrote ${path}`);
  }
}
