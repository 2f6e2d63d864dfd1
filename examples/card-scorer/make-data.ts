/**
 * Regenerates data/authorizations.jsonl: two hours of card authorizations (about 1,600) from a
 * seeded PRNG, 3% declined at random. Five cards see card testing: 4-6 declines within a few
 * minutes, then an approval over $500 within ten minutes of the first decline (alerts on cards
 * 9001-9003), 11 minutes after it (9004: too late, a decline run), or of $300 (9005: too small, a
 * decline run). 15% of terminals report up to 40 s late (within the 45 s bound); 4 authorizations
 * arrive 45-55 minutes late and go to the late file.
 *
 *   node --conditions=eddy-source --import tsx examples/card-scorer/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-10-14T10:00:00Z */
export const START = Date.UTC(2024, 9, 14, 10, 0, 0);
const MIN = 60_000;
const AUTHS = 1_600;
const SPACING_MS = Math.floor((120 * MIN) / AUTHS);
const CARDS = 120;

interface Sent {
  arrival: number;
  readonly card: string;
  ts: number;
  readonly status: 'APPROVED' | 'DECLINED';
  readonly amount: number;
  readonly merchant: string;
}

/** The file's text: one JSON authorization per line, in arrival order. */
export function generateAuthorizations(seed = 20261207): string {
  const random = prng(seed);
  const card = (n: number): string => `4000-${String(n).padStart(4, '0')}`;
  const merchant = (): string => `m${String(1 + Math.floor(random() * 40)).padStart(3, '0')}`;
  const amount = (): number => Math.round(Math.exp(1 + random() * 5) * 100) / 100;
  const sent: Sent[] = [];
  const send = (ts: number, cardId: string, status: Sent['status'], usd: number, delay: number): void => {
    sent.push({ arrival: ts + delay, card: cardId, ts, status, amount: usd, merchant: merchant() });
  };
  for (let i = 0; i < AUTHS; i++) {
    const ts = START + i * SPACING_MS + Math.floor(random() * SPACING_MS);
    const delay = random() < 0.15 ? Math.floor(random() * 40_000) : Math.floor(random() * 2_000);
    send(ts, card(1 + Math.floor(random() * CARDS)), random() < 0.03 ? 'DECLINED' : 'APPROVED', amount(), delay);
  }
  // Card testing on cards 9001-9005: declines a few seconds apart, then the approval.
  const attacks = [{ minute: 15, approvalAfter: 6 * MIN, usd: 780 }, { minute: 40, approvalAfter: 3 * MIN, usd: 1_250 },
    { minute: 65, approvalAfter: 9 * MIN, usd: 640 }, { minute: 80, approvalAfter: 11 * MIN, usd: 900 }, { minute: 95, approvalAfter: 4 * MIN, usd: 300 }];
  attacks.forEach(({ minute, approvalAfter, usd }, k) => {
    const attacked = card(9_001 + k);
    const first = START + minute * MIN + 7_000;
    const tries = 4 + Math.floor(random() * 3);
    // Card 9004's tries come 4 s apart, so its approval 11 minutes on is too late for every one of them.
    const gap = k === 3 ? 4_000 : 15_000 + Math.floor(random() * 30_000);
    for (let t = 0; t < tries; t++) send(first + t * gap, attacked, 'DECLINED', amount(), Math.floor(random() * 2_000));
    send(first + approvalAfter, attacked, 'APPROVED', usd, 800);
  });
  sent.sort((a, b) => a.arrival - b.arrival || a.card.localeCompare(b.card));
  // A terminal that was offline: four authorizations delivered 45-55 minutes after they happened.
  for (let n = 0; n < 4; n++) {
    const s = sent[sent.length - 300 + n * 50];
    s.ts = s.arrival - 45 * MIN - Math.floor(random() * 10 * MIN);
  }
  const lines = sent.map((s, i) => JSON.stringify({
    auth_id: `a-${100_001 + i}`, card: s.card, ts: s.ts, status: s.status, amount_usd: s.amount, merchant_id: s.merchant,
  }));
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/authorizations.jsonl', import.meta.url));
  writeFileSync(path, generateAuthorizations());
  console.log(`wrote ${path}`);
}
