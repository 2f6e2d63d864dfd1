/**
 * Rows buffered for one statement, as one array per column (what `unnest` takes). With key
 * columns, a later row with the same key replaces the earlier one in place: one upsert statement
 * must not touch a row twice (PostgreSQL refuses), and the last write wins as it would one by one.
 *
 * @example
 * const rows = new PostgresRows(['id', 'name'], ['id'], (v: Product) => v);
 * rows.add(p); rows.take(); // [[1], ['pen']]
 */
export class PostgresRows<T> {
  private cols: unknown[][];
  private readonly keyIdx: number[] | null;
  private byKey = new Map<unknown, number>();

  constructor(private readonly columns: readonly string[], key: readonly string[] | null, private readonly row: (v: T) => Record<string, unknown>, private readonly who: string) {
    this.cols = columns.map(() => []);
    this.keyIdx = key === null ? null : key.map((k) => columns.indexOf(k));
  }

  get length(): number {
    return this.cols.length === 0 ? 0 : this.cols[0].length;
  }

  add(value: T): void {
    const r = this.row(value);
    if (r === null || typeof r !== 'object') throw new Error(`${this.who}: the row for ${JSON.stringify(value)} is not an object`);
    const cols = this.cols;
    let at = cols[0].length;
    if (this.keyIdx !== null) {
      const k = keyOf(this.keyIdx.map((i) => r[this.columns[i]]));
      const prev = this.byKey.get(k);
      if (prev !== undefined) at = prev;
      else this.byKey.set(k, at);
    }
    for (let c = 0; c < cols.length; c++) cols[c][at] = normalize(r[this.columns[c]]);
  }

  /** The buffered columns; the buffer starts empty again. */
  take(): unknown[][] {
    const cols = this.cols;
    this.cols = this.columns.map(() => []);
    this.byKey = new Map();
    return cols;
  }
}

/** A Map key for a row's key values: the value itself for a one-column string or number key. */
function keyOf(values: unknown[]): unknown {
  if (values.length === 1 && (typeof values[0] === 'string' || typeof values[0] === 'number')) return values[0];
  return JSON.stringify(values.map((v) => v ?? null), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** undefined is NULL; bigint travels as text (PostgreSQL casts it). */
function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  return v;
}
