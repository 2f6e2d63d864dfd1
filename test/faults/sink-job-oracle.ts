/** What the fault job (fixtures/sink-job.ts) writes: the record's id, its key, and the key's running count. */
export interface SinkJobRecord {
  readonly id: number;
  readonly k: string;
  readonly n: number;
}

const KEYS = 11;

/** Input record `i` of the fault job: a pure function of its index, so the oracle is too. */
export function sinkJobInput(i: number): { id: number; k: string } {
  return { id: i, k: `k${i % KEYS}` };
}

/**
 * Compares what a fault job committed with the oracle for `count` input records: every id once,
 * and per key the counts 1, 2, 3, ... in id order (state and source position were restored from
 * the same checkpoint as the sink's transactions). Returns the differences, empty when exact.
 *
 * @example
 * assert.deepEqual(sinkJobDifferences(rows, 20_000), []);
 */
export function sinkJobDifferences(out: readonly SinkJobRecord[], count: number): string[] {
  const problems: string[] = [];
  const seen = new Uint8Array(count);
  let duplicates = 0;
  let foreign = 0;
  for (const r of out) {
    if (!Number.isInteger(r.id) || r.id < 0 || r.id >= count) foreign++;
    else if (seen[r.id]++ > 0) duplicates++;
  }
  let lost = 0;
  let firstLost = -1;
  for (let i = 0; i < count; i++) {
    if (seen[i] === 0) {
      lost++;
      if (firstLost < 0) firstLost = i;
    }
  }
  if (duplicates > 0) problems.push(`${duplicates} duplicated records`);
  if (lost > 0) problems.push(`${lost} lost records (the first: id ${firstLost})`);
  if (foreign > 0) problems.push(`${foreign} records with ids outside 0..${count - 1}`);
  if (problems.length > 0) return problems;
  // n of record i is its rank among the ids of its key: i / KEYS + 1.
  const wrong = out.filter((r) => r.k !== sinkJobInput(r.id).k || r.n !== Math.floor(r.id / KEYS) + 1);
  if (wrong.length > 0) problems.push(`${wrong.length} records with a wrong key or count, e.g. ${JSON.stringify(wrong[0])}`);
  return problems;
}
