import { prng } from '../../examples/shared/prng.ts';
import type { Ev } from './cep-harness.ts';

/**
 * Events of several keys in arrival order: kinds a-d (a and b most often), values 0-9, timestamps
 * that repeat and arrive up to `lag` out of order, never late for a watermark `lag` behind the
 * largest timestamp so far.
 */
export function parityInput(seed: number, count: number, keys: number, lag: number): Ev[] {
  const random = prng(seed);
  const kinds = ['a', 'a', 'b', 'b', 'b', 'c', 'c', 'd'];
  const out: Ev[] = [];
  let base = 1 + lag;
  for (let i = 0; i < count; i++) {
    base += Math.floor(random() * 3);
    const ts = base - Math.floor(random() * (lag + 1));
    const kind = kinds[Math.floor(random() * kinds.length)];
    out.push({ id: `${kind}${i}`, kind, ts, key: `k${Math.floor(random() * keys)}`, value: Math.floor(random() * 10) });
  }
  return out;
}
