/**
 * Regenerates data/clicks.jsonl: about 3,700 clicks of 80 users over 8 hours from a seeded PRNG.
 * Each user has a few sessions: clicks seconds to 25 minutes apart, then 35 minutes to 2.5 hours
 * of quiet. 20% of clicks reach the server up to 40 s late (within the 1 minute bound), and 5
 * arrive 4-5 hours late (a phone that was offline) and go to the late output.
 *
 *   node --conditions=eddy-source --import tsx examples/user-sessions/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-07-01T08:00:00Z */
export const START = Date.UTC(2024, 6, 1, 8, 0, 0);
const END = START + 8 * 3_600_000;
const USERS = 80;
const PAGES = ['/', '/search', '/product', '/product', '/product', '/cart', '/checkout', '/account', '/help'];

/** The file's text: one JSON click per line, in arrival order. */
export function generateClicks(seed = 20240701): string {
  const random = prng(seed);
  const sent: { arrival: number; user: string; ts: number; page: string }[] = [];
  for (let u = 1; u <= USERS; u++) {
    const user = `user-${String(u).padStart(3, '0')}`;
    let t = START + Math.floor(random() * 3_600_000);
    while (t < END) {
      const clicks = 1 + Math.floor(random() * 20);
      for (let c = 0; c < clicks && t < END; c++) {
        const delay = random() < 0.2 ? Math.floor(random() * 40_000) : Math.floor(random() * 500);
        sent.push({ arrival: t + delay, user, ts: t, page: PAGES[Math.floor(random() * PAGES.length)] });
        // Mostly quick clicks; now and then a long read, always shorter than the 30 minute gap.
        t += random() < 0.1 ? 5 * 60_000 + Math.floor(random() * 20 * 60_000) : 2_000 + Math.floor(-Math.log(1 - random()) * 60_000);
      }
      t += 35 * 60_000 + Math.floor(random() * 115 * 60_000);
    }
  }
  sent.sort((a, b) => a.arrival - b.arrival || a.user.localeCompare(b.user));

  const veryLate = new Set<number>();
  while (veryLate.size < 5) veryLate.add(sent.length - 500 + Math.floor(random() * 480));
  const lines = sent.map(({ arrival, user, ts, page }, i) => {
    if (veryLate.has(i)) ts = arrival - 4 * 3_600_000 - Math.floor(random() * 3_600_000);
    return JSON.stringify({ user, ts, page });
  });
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/clicks.jsonl', import.meta.url));
  writeFileSync(path, generateClicks());
  console.log(`wrote ${path}`);
}
