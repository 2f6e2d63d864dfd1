import { nexmarkSource, type NexmarkSourceOptions } from '../../connectors/nexmark/nexmark-source.ts';
import { SqlError } from '../sql-error.ts';
import type { TableConnector } from '../table-connector.ts';
import { integerOption, numberOption } from './table-options.ts';

/** The fields of each ROW column, as Eddy's generator makes them (the reference's names). */
const MODEL: Readonly<Record<string, readonly string[]>> = {
  person: ['id', 'name', 'emailAddress', 'creditCard', 'city', 'state', 'dateTime', 'extra'],
  auction: ['id', 'itemName', 'description', 'initialBid', 'reserve', 'dateTime', 'expires', 'seller', 'category', 'extra'],
  bid: ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra'],
};

/**
 * 'connector' = 'nexmark': Eddy's Nexmark generator with the schema of the reference's
 * `datagen` table (event_type, person, auction, bid). Options as the reference's, plus Eddy's
 * 'rows-per-second' (a processing-time rate limit), 'splits' and 'out-of-order-group-size'.
 *
 * @example
 * CREATE TABLE datagen (event_type INT, bid ROW<auction BIGINT, price BIGINT, `dateTime` TIMESTAMP(3)>, ...)
 *   WITH ('connector' = 'nexmark', 'events.num' = '100000')
 */
export const nexmarkTable: TableConnector = {
  name: 'nexmark',
  options: ['events.num', 'first-event.rate', 'next-event.rate', 'person.proportion', 'auction.proportion', 'bid.proportion',
    'rows-per-second', 'splits', 'out-of-order-group-size', 'base-time'],
  prop: (column) => (column === 'event_type' ? 'type' : column),
  check(table) {
    for (const c of table.columns) {
      if (c.computed) continue;
      if (c.name === 'event_type') continue;
      const fields = MODEL[c.name];
      if (fields === undefined) {
        throw new SqlError(`table ${table.name}: the nexmark connector has no column '${c.name}'`, table.pos, 'its columns are event_type, person, auction and bid');
      }
      for (const f of c.type.fields ?? []) {
        if (!fields.includes(f.name)) throw new SqlError(`table ${table.name}: ${c.name} has no field '${f.name}'`, table.pos, `its fields are ${fields.join(', ')}`);
      }
    }
    const first = table.options.get('first-event.rate');
    const next = table.options.get('next-event.rate');
    if (next !== undefined && next !== first) {
      throw new SqlError(`table ${table.name}: 'next-event.rate' must equal 'first-event.rate'`, table.pos, 'Eddy\'s generator has one event rate');
    }
  },
  source(table) {
    const options: { -readonly [K in keyof NexmarkSourceOptions]: NexmarkSourceOptions[K] } = {};
    const events = integerOption(table, 'events.num', null);
    if (events !== null) options.events = events;
    const rate = numberOption(table, 'first-event.rate', null);
    if (rate !== null) options.firstEventRate = rate;
    const limit = numberOption(table, 'rows-per-second', null);
    if (limit !== null) options.rate = limit;
    const splits = integerOption(table, 'splits', null);
    if (splits !== null) options.splits = splits;
    const group = integerOption(table, 'out-of-order-group-size', null);
    if (group !== null) options.outOfOrderGroupSize = group;
    const base = integerOption(table, 'base-time', null);
    if (base !== null) options.baseTime = base;
    const person = integerOption(table, 'person.proportion', null);
    if (person !== null) options.personProportion = person;
    const auction = integerOption(table, 'auction.proportion', null);
    if (auction !== null) options.auctionProportion = auction;
    const bid = integerOption(table, 'bid.proportion', null);
    if (bid !== null) options.bidProportion = bid;
    return nexmarkSource(options);
  },
};
