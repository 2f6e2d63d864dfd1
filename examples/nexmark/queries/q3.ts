import type { DataStream, NexmarkEvent, StreamEnvironment } from 'eddy';
import { auctions, persons } from './persons-and-auctions.ts';

/** A seller in Oregon, Idaho or California with an auction in category 10. */
export interface Q3Result {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  /** The auction's id. */
  readonly id: number;
}

/** The states and the category the reference selects. */
export const Q3_STATES: ReadonlySet<string> = new Set(['OR', 'ID', 'CA']);
export const Q3_CATEGORY = 10;

/**
 * Nexmark q3, local item suggestion: auctions of category 10 joined on their seller to persons in
 * OR, ID or CA. A regular join: each side waits in keyed state for the other, whichever comes
 * first (a seller's person record comes before their auctions in the generator, but need not on
 * a shuffled stream). Both sides are filtered before the join, so only matching candidates are
 * kept; `ttlMs` bounds the state (the reference keeps it for good, which `null` does).
 *
 * @example
 * q3(env, events).sinkTo(sinks.jsonl('q3.jsonl')); // { name: 'Peter Shultz', city: 'Boise', state: 'ID', id: 1007 }
 */
export function q3(_env: StreamEnvironment, events: DataStream<NexmarkEvent>, ttlMs: number | null = null): DataStream<Q3Result> {
  const sellers = persons(events).filter((p) => Q3_STATES.has(p.state)).name('q3-persons-in-or-id-ca').keyBy((p) => p.id);
  const join = auctions(events).filter((a) => a.category === Q3_CATEGORY).name('q3-auctions-in-category-10')
    .keyBy((a) => a.seller)
    .join(sellers);
  return (ttlMs === null ? join.regular() : join.withTtl(ttlMs))
    .apply((a, p): Q3Result => ({ name: p.name, city: p.city, state: p.state, id: a.id }))
    .name('q3-join');
}
