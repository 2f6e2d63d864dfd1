/**
 * One late record or dead letter kept for display: when, which operator, a short preview of the
 * value and why.
 *
 * @example
 * const s: RecordSample = { at: 1700000000000, operator: 'counts', kind: 'late', time: 1699999990000, preview: '{"page":"/a"}', reason: 'window closed' };
 */
export interface RecordSample {
  /** Processing time at which it happened. */
  readonly at: number;
  readonly operator: string;
  readonly kind: 'late' | 'dead-letter';
  /** The record's event time (NaN when unknown). */
  readonly time: number;
  /** The value as JSON (or the raw input), cut to 200 characters. */
  readonly preview: string;
  readonly reason: string;
}

/** Longest preview kept per sample. */
const PREVIEW_CHARS = 200;

/**
 * The last `capacity` samples, oldest first; older ones are overwritten (memory stays bounded).
 * Entries are kept as given, so that a caller on the per-record path can store the raw value and
 * build the preview (`previewValue`) only when the samples are read.
 *
 * @example
 * const ring = new SampleRing(50);
 * ring.add({ at: 0, operator: 'w', kind: 'late', time: 5, preview: '1', reason: 'late' });
 * ring.list().length; // 1
 */
export class SampleRing<T = RecordSample> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(readonly capacity: number) {}

  add(sample: T): void {
    if (this.items.length < this.capacity) this.items.push(sample);
    else this.items[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  list(): T[] {
    if (this.items.length < this.capacity) return [...this.items];
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

/**
 * A short, safe text of any value for a sample: JSON where possible, cut to 200 characters.
 *
 * @example
 * previewValue({ a: 1n }); // '{"a":"1"}'
 */
export function previewValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 3)}...` : text;
}
