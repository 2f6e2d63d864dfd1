import type { NexmarkConfig } from './config.ts';
import { lastPersonIndex } from './id-windows.ts';
import type { Person } from './model.ts';
import type { SeededRandom } from './random.ts';
import { randomPadding, randomText } from './random-text.ts';

// Few states and cities, as in the reference, so that q3's state filter finds people quickly.
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const CITIES = [
  'Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne',
];
const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];

function pick(rng: SeededRandom, values: readonly string[]): string {
  return values[rng.nextInt(values.length)];
}

function cardGroup(rng: SeededRandom): string {
  return String(rng.nextInt(10_000)).padStart(4, '0');
}

/**
 * The person created by event id `eventId` at event time `time`, drawing from `rng` (already
 * seeded for this event). Its id is the next person id; the rest is random.
 *
 * @example
 * rng.seed(0);
 * const person = nextPerson(config, 0, config.baseTime, rng); // person.id === 1000
 */
export function nextPerson(config: NexmarkConfig, eventId: number, time: number, rng: SeededRandom): Person {
  const id = config.firstPersonId + lastPersonIndex(config, eventId);
  const name = `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;
  const emailAddress = `${randomText(rng, 7)}@${randomText(rng, 5)}.com`;
  const creditCard = `${cardGroup(rng)} ${cardGroup(rng)} ${cardGroup(rng)} ${cardGroup(rng)}`;
  const city = pick(rng, CITIES);
  const state = pick(rng, STATES);
  // The reference's size model: 8 bytes for the id, plus the strings; dateTime is not counted.
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  const extra = randomPadding(rng, size, config.avgPersonByteSize);
  return { id, name, emailAddress, creditCard, city, state, dateTime: time, extra };
}
