/**
 * Regenerates data/clicks.jsonl: 3,000 page clicks over 30 minutes from a seeded PRNG (the same
 * bytes every run). About 10% arrive up to 4 s out of order (within the 5 s bound). 6 arrive
 * 9-30 s late, within the 30 s allowed lateness: still counted, and a minute that has fired fires
 * again. 8 arrive 13-20 minutes late (offline phones syncing) and go to the late output. 3 lines
 * are malformed and become dead letters.
 *
 *   node --conditions=eddy-source --import tsx examples/clicks-per-minute/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-05-01T09:00:00Z */
export const START = Date.UTC(2024, 4, 1, 9, 0, 0);
const CLICKS = 3_000;
const SPACING_MS = 600;
const PAGES: readonly (readonly [string, number])[] = [
  ['/', 30], ['/docs', 25], ['/pricing', 15], ['/blog', 15], ['/signup', 10], ['/login', 5],
];

/** The file's text: one JSON click per line, in arrival order. */
export function generateClicks(seed = 20240501): string {
  const random = prng(seed);
  const pick = (): string => {
    let r = random() * 100;
    for (const [page, weight] of PAGES) if ((r -= weight) < 0) return page;
    return '/';
  };
  const slightlyLate = new Set<number>();
  while (slightlyLate.size < 6) slightlyLate.add(200 + Math.floor(random() * 2_700));
  const veryLate = new Set<number>();
  while (veryLate.size < 8) veryLate.add(2_200 + Math.floor(random() * 750));

  const lines: string[] = [];
  let owedSlightlyLate = 0;
  for (let i = 0; i < CLICKS; i++) {
    const arrival = START + i * SPACING_MS + Math.floor(random() * SPACING_MS);
    const intoMinute = (arrival - START) % 60_000;
    if (slightlyLate.has(i)) owedSlightlyLate++;
    let ts = arrival;
    if (veryLate.has(i)) {
      ts -= 13 * 60_000 + Math.floor(random() * 7 * 60_000);
    } else if (owedSlightlyLate > 0 && intoMinute >= 8_000 && intoMinute <= 25_000) {
      // Arrives 8-25 s into a minute but belongs to the previous one, which has just fired.
      ts = arrival - intoMinute - 1_000 - Math.floor(random() * 4_000);
      owedSlightlyLate--;
    } else if (random() < 0.1 && i >= 10) {
      ts -= Math.floor(random() * 4_000);
    }
    const user = `u${String(1 + Math.floor(random() * 200)).padStart(3, '0')}`;
    lines.push(JSON.stringify({ ts, page: pick(), user }));
    // A few lines a buggy client or a truncated write would produce.
    if (i === 500) lines.push(`{"ts":${arrival + 1},"page":"/docs","user":"u042"`);
    if (i === 1_500) lines.push(JSON.stringify({ ts: new Date(arrival).toISOString(), page: '/', user: 'u007' }));
    if (i === 2_500) lines.push(JSON.stringify({ ts: arrival, user: 'u113' }));
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/clicks.jsonl', import.meta.url));
  writeFileSync(path, generateClicks());
  console.log(`wrote ${path}`);
}
