/**
 * Regenerates data/authorizations.jsonl: two hours of card authorizations (about 2,000) from a
 * seeded PRNG. About 4% are declined at random. Four cards see a card-testing attack (5-7 declines
 * within minutes) and one has exactly 3 declines (no alert). 15% of terminals report up to 40 s
 * late (within the 45 s bound); one attack decline arrives 110 s late, within the 2 minutes of
 * allowed lateness: still counted, and windows that have fired fire again with a higher count.
 * 5 declines arrive 75-90 minutes late (a terminal that was offline) and go to the reconciliation
 * file.
 *
 *   node --conditions=eddy-source --import tsx examples/card-velocity/make-data.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prng } from '../shared/prng.ts';

/** 2024-10-14T10:00:00Z */
export const START = Date.UTC(2024, 9, 14, 10, 0, 0);
const MIN = 60_000;
const AUTHS = 2_000;
const SPACING_MS = Math.floor((120 * MIN) / AUTHS);
const CARDS = 150;
const MERCHANTS = 60;

type Status = 'APPROVED' | 'DECLINED';
interface Sent {
  readonly arrival: number;
  readonly card: string;
  ts: number;
  status: Status;
  readonly amount: number;
  readonly merchant: string;
}

/** The file's text: one JSON authorization per line, in arrival order. */
export function generateAuthorizations(seed = 20241014): string {
  const random = prng(seed);
  const card = (n: number): string => `4000-${String(n).padStart(4, '0')}`;
  const merchant = (): string => `m${String(1 + Math.floor(random() * MERCHANTS)).padStart(3, '0')}`;
  const amount = (): number => Math.round(Math.exp(1 + random() * 5) * 100) / 100;
  const sent: Sent[] = [];
  const send = (ts: number, cardId: string, status: Status, delay: number): void => {
    sent.push({ arrival: ts + delay, card: cardId, ts, status, amount: amount(), merchant: merchant() });
  };

  for (let i = 0; i < AUTHS; i++) {
    const ts = START + i * SPACING_MS + Math.floor(random() * SPACING_MS);
    const delay = random() < 0.15 ? Math.floor(random() * 40_000) : Math.floor(random() * 2_000);
    send(ts, card(1 + Math.floor(random() * CARDS)), random() < 0.04 ? 'DECLINED' : 'APPROVED', delay);
  }
  // Card-testing attacks: a stolen number tried again and again, on cards 9001-9004.
  [20, 45, 70, 100].forEach((minute, k) => {
    const attacked = card(9_001 + k);
    const tries = 5 + Math.floor(random() * 3);
    let ts = START + minute * MIN + 15_000;
    for (let t = 0; t < tries; t++) {
      send(ts, attacked, 'DECLINED', Math.floor(random() * 2_000));
      // The attack at minute 45 is a quick one: five tries within its first minute.
      ts += k === 1 ? 10_000 : 10_000 + Math.floor(random() * 50_000);
    }
    send(ts, attacked, 'APPROVED', 500);
  });
  // The attack at minute 45 also had a try 7 s into it that a terminal held for 110 s. Read record
  // by record, the window ending at minute 46 has fired by then (5 declines) and fires again (6).
  send(START + 45 * MIN + 7_000, card(9_002), 'DECLINED', 110_000);
  // Three declines are not an alert.
  for (const s of [0, 70, 200]) send(START + 55 * MIN + s * 1_000, card(9_005), 'DECLINED', 300);

  sent.sort((a, b) => a.arrival - b.arrival || a.card.localeCompare(b.card));
  const veryLate = new Set<number>();
  while (veryLate.size < 5) veryLate.add(sent.length - 450 + Math.floor(random() * 440));
  const lines = sent.map((s, i) => {
    if (veryLate.has(i)) {
      s.ts = s.arrival - 75 * MIN - Math.floor(random() * 15 * MIN);
      s.status = 'DECLINED';
    }
    const auth = { auth_id: `a-${100_001 + i}`, card: s.card, ts: s.ts, status: s.status, amount_usd: s.amount, merchant_id: s.merchant };
    return JSON.stringify(auth);
  });
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = fileURLToPath(new URL('data/authorizations.jsonl', import.meta.url));
  writeFileSync(path, generateAuthorizations());
  console.log(`wrote ${path}`);
}
