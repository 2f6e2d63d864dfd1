import { createHash } from 'node:crypto';
import type { NexmarkEvent } from 'eddy';

/**
 * One line per event, every field in schema order separated by '|': the same function as the Flink
 * peer's EventDigest.java, so equal digests mean that both generators produced the same events.
 *
 * @example
 * eventLine(event); // 'B|1000|1001|12000|Google|https://...|1767225600000|abc...'
 */
export function eventLine(e: NexmarkEvent): string {
  if (e.type === 2) {
    const b = e.bid;
    return `B|${b.auction}|${b.bidder}|${b.price}|${b.channel}|${b.url}|${b.dateTime}|${b.extra}`;
  }
  if (e.type === 1) {
    const a = e.auction;
    return `A|${a.id}|${a.itemName}|${a.description}|${a.initialBid}|${a.reserve}|${a.dateTime}|${a.expires}|${a.seller}|${a.category}|${a.extra}`;
  }
  const p = e.person;
  return `P|${p.id}|${p.name}|${p.emailAddress}|${p.creditCard}|${p.city}|${p.state}|${p.dateTime}|${p.extra}`;
}

/**
 * The SHA-256 (hex) of the lines of `events`, each followed by '\n'.
 *
 * @example
 * eventDigest(Array.from({ length: 1000 }, (_, n) => nexmarkEvent(config, n)));
 */
export function eventDigest(events: Iterable<NexmarkEvent>): string {
  const sha = createHash('sha256');
  for (const e of events) sha.update(`${eventLine(e)}\n`);
  return sha.digest('hex');
}
