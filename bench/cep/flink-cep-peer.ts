/**
 * Flink CEP in the Flink peer (bench/peers/flink, package eddy.bench.cep): the parity runs of
 * test/cep/flink-cep-parity.test.ts and the runs of `npm run bench:cep`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlinkPeer, runPeerMain } from '../nexmark/flink-peer.ts';

/** An event as the parity runs exchange it. */
export interface ParityEvent {
  readonly id: string;
  readonly kind: string;
  readonly ts: number;
  readonly key: string;
  readonly value: number;
}

/** One output of a pattern: a match (M) or a timed-out partial match (T), its key, time and events. */
export interface ParityOutput {
  readonly pattern: string;
  readonly type: 'M' | 'T';
  readonly key: string;
  readonly ts: number;
  readonly match: string;
}

/**
 * Runs the named parity patterns on Flink CEP over `events` (in arrival order, the watermark `lag`
 * behind the largest timestamp after each event) and returns what each pattern emitted, in order.
 *
 * @example
 * const out = flinkParityRun(events, ['strict', 'relaxed'], 3);
 */
export function flinkParityRun(events: readonly ParityEvent[], patterns: readonly string[], lag: number): ParityOutput[] {
  buildFlinkPeer();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cep-parity-'));
  try {
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out.tsv');
    writeFileSync(input, events.map((e) => `${e.id},${e.kind},${e.ts},${e.key},${e.value}`).join('\n'));
    runPeerMain('eddy.bench.cep.CepParity', ['--input', input, '--output', output, '--lag', String(lag), '--patterns', patterns.join(',')], 900_000);
    return readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [pattern, type, key, ts, match] = line.split('\t');
      return { pattern, type: type as 'M' | 'T', key, ts: Number(ts), match: match ?? '' };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
