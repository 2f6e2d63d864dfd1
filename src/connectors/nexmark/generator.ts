import { nextAuction } from './auction-generator.ts';
import { nextBid } from './bid-generator.ts';
import type { NexmarkConfig } from './config.ts';
import { adjustedEventNumber, eventTimeAt } from './event-time.ts';
import type { NexmarkEvent } from './model.ts';
import { nextPerson } from './person-generator.ts';
import { SeededRandom } from './random.ts';

/**
 * The Nexmark event stream as pure functions of the event number n = 0, 1, 2, ...: the same
 * (config, n) always gives the same event, so a source can start, stop and replay at any n and
 * needs only n in its checkpoint. Event n carries the id and time of its adjusted number (see
 * event-time.ts); the id picks the type (1:3:46 by default) and seeds the random draws.
 */

// One generator for every call: re-seeded at the start of each event, so sharing it is safe on
// one thread and saves an allocation per event.
const rng = new SeededRandom();

function checkEventNumber(n: number, caller: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${caller}: the event number must be an integer >= 0; got ${n}.`);
  }
}

/**
 * Event number `n` (n >= 0, an integer) of the stream described by `config`.
 *
 * @example
 * const config = nexmarkConfig();
 * const first = nexmarkEvent(config, 0);   // { type: 0, person: { id: 1000, ... }, auction: null, bid: null }
 * const bid = nexmarkEvent(config, 12345); // a bid; the same object every time, in any order
 */
export function nexmarkEvent(config: NexmarkConfig, n: number): NexmarkEvent {
  checkEventNumber(n, 'nexmarkEvent');
  const adjusted = adjustedEventNumber(config, n);
  const eventId = config.firstEventId + adjusted;
  const time = eventTimeAt(config, adjusted);
  rng.seed(eventId);
  const slot = eventId % config.totalProportion;
  if (slot >= config.personProportion + config.auctionProportion) {
    return { type: 2, person: null, auction: null, bid: nextBid(config, eventId, time, rng) };
  }
  if (slot >= config.personProportion) {
    return { type: 1, person: null, auction: nextAuction(config, eventId, adjusted, time, rng), bid: null };
  }
  return { type: 0, person: nextPerson(config, eventId, time, rng), auction: null, bid: null };
}

/**
 * The event time of event `n`, epoch ms: the `dateTime` of `nexmarkEvent(config, n)`, without
 * generating the event. Non-decreasing in n when outOfOrderGroupSize is 1.
 *
 * @example
 * nexmarkTimestamp(nexmarkConfig(), 10_000); // baseTime + 1000 at 10,000 events/s
 */
export function nexmarkTimestamp(config: NexmarkConfig, n: number): number {
  checkEventNumber(n, 'nexmarkTimestamp');
  return eventTimeAt(config, adjustedEventNumber(config, n));
}

/**
 * A watermark a source may emit once it has emitted events 0 .. n-1: no event numbered n or later
 * has an earlier event time. It is the time of the first event of n's out-of-order group, since
 * the shuffle never moves an event out of its group. Non-decreasing in n.
 *
 * @example
 * const config = nexmarkConfig({ outOfOrderGroupSize: 50 });
 * nexmarkWatermark(config, 120) <= nexmarkTimestamp(config, 120); // true, and for every later n
 */
export function nexmarkWatermark(config: NexmarkConfig, n: number): number {
  checkEventNumber(n, 'nexmarkWatermark');
  const g = config.outOfOrderGroupSize;
  return eventTimeAt(config, n - (n % g));
}
