/**
 * Regenerates data/messages.jsonl: one hour of 12 sensors (about 2,100 messages) from a seeded
 * PRNG: a temperature every 30 s (a random walk, so rising runs of three are common) and a
 * heartbeat every minute. Sensors s03, s07 and s10 overheat: their gateway stops forwarding
 * heartbeats for 10 minutes while the temperature climbs; s05 loses its heartbeat while the
 * temperature is steady (no alert), and s08's temperature climbs with heartbeats arriving (no
 * alert). Messages arrive up to 8 s out of order.
 *
 *   node --conditions=eddy-source --import tsx examples/iot-overheat/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

export const START = Date.UTC(2024, 9, 14, 8, 0, 0);
const MIN = 60_000;

/** The file's text: one JSON message per line, in arrival order. */
export function generateMessages(seed = 20261209): string {
  const random = prng(seed);
  const sent: { arrival: number; line: string }[] = [];
  const send = (m: { readonly ts: number; readonly [field: string]: unknown }) => sent.push({ arrival: m.ts + Math.floor(random() * 8_000), line: JSON.stringify(m) });
  for (let s = 1; s <= 12; s++) {
    const sensor = `s${String(s).padStart(2, '0')}`;
    const phase = Math.floor(random() * 30_000);
    const trouble = { s03: 15, s07: 30, s10: 45, s05: 20, s08: 35 }[sensor];
    let celsius = 40 + random() * 10;
    for (let t = 0; t < 60 * MIN; t += 30_000) {
      const ts = START + t + phase;
      const minute = t / MIN;
      const inTrouble = trouble !== undefined && minute >= trouble && minute < trouble + 10;
      if (inTrouble && sensor !== 's05') celsius += 0.5 + random();
      else if (!inTrouble) celsius += (random() - 0.5) * 0.8;
      send({ kind: 'temp', sensor, ts, celsius: Math.round(celsius * 10) / 10 });
      const heartbeatMissing = inTrouble && sensor !== 's08';
      if (t % MIN === 0 && !heartbeatMissing) send({ kind: 'heartbeat', sensor, ts: ts + 5_000 });
    }
  }
  return `${sent.sort((a, b) => a.arrival - b.arrival).map((x) => x.line).join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/messages.jsonl', import.meta.url));
  writeFileSync(path, generateMessages());
  console.log(`wrote ${path}`);
}
