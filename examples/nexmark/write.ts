/**
 * Writes Nexmark events to a JSON-lines file or to a Kafka topic, as an Eddy job
 * (sources.nexmark -> sinks.jsonl or sinks.kafka), so that other jobs (or other systems) can read
 * the same events with sources.jsonl or sources.kafka.
 *
 *   node bin/eddy.mjs run examples/nexmark/write.ts -- --events 1000000 --out events.jsonl
 *   node bin/eddy.mjs run examples/nexmark/write.ts -- --events 1000000 --kafka 127.0.0.1:19092 --topic nexmark --partitions 4
 *
 * Options: --events N (default 1,000,000), --first-event K (start at the generator's event K,
 * default 0), --rate R (events per second of processing time; default as fast as possible),
 * --first-event-rate and --out-of-order (generator options, as in run.ts), and either
 * --out PATH or --kafka BROKERS --topic T [--partitions P] (default 1; the topic is created with
 * P partitions when missing, an existing one is used as it is).
 *
 * Each event is one line or one Kafka record holding JSON.stringify of the event exactly as
 * sources.nexmark emits it ({ type, person, auction, bid }); its event time is the `dateTime` of
 * the person, auction or bid. Kafka records are keyed by the event's id (the person's id, the
 * auction's id, the bid's auction), so an auction and its bids share a partition and keep their
 * order. The job runs without checkpoints: the file is written once, Kafka at least once.
 */
import { parseArgs } from 'node:util';
import { StreamEnvironment, WatermarkStrategy, kafkaAdmin, sinks, sources, type NexmarkEvent } from 'eddy';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'first-event': { type: 'string', default: '0' },
    rate: { type: 'string' },
    'first-event-rate': { type: 'string' },
    'out-of-order': { type: 'string' },
    out: { type: 'string' },
    kafka: { type: 'string' },
    topic: { type: 'string' },
    partitions: { type: 'string', default: '1' },
  },
});

/** A numeric flag, with `_` allowed as a digit separator; fails naming the flag. */
function num(flag: string, s: string | undefined, integer: boolean): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s.replaceAll('_', ''));
  if (s.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) {
    throw new Error(`nexmark write: --${flag} must be ${integer ? 'an integer' : 'a number'} >= 0; got '${s}'.`);
  }
  return n;
}

const events = num('events', values.events, true)!;
const firstEvent = num('first-event', values['first-event'], true)!;
const partitions = num('partitions', values.partitions, true)!;
if ((values.out === undefined) === (values.kafka === undefined)) {
  throw new Error('nexmark write: give either --out PATH (a JSON-lines file) or --kafka BROKERS --topic T, not both or neither.');
}
if (values.kafka !== undefined && (values.topic === undefined || values.topic === '')) {
  throw new Error('nexmark write: --kafka needs --topic T (the topic to write to).');
}
if (partitions < 1) throw new Error(`nexmark write: --partitions must be >= 1; got ${partitions}.`);

/** The Kafka key of an event: the id of the entity it is about. */
const entityKey = (e: NexmarkEvent): string =>
  String(e.type === 2 ? e.bid.auction : e.type === 1 ? e.auction.id : e.person.id);

const env = StreamEnvironment.create();
const stream = env.fromSource(
  sources.nexmark({
    events,
    firstEvent,
    rate: num('rate', values.rate, false),
    firstEventRate: num('first-event-rate', values['first-event-rate'], false),
    outOfOrderGroupSize: num('out-of-order', values['out-of-order'], true),
  }),
  WatermarkStrategy.noWatermarks<NexmarkEvent>(),
  'nexmark');

let target: string;
if (values.kafka !== undefined) {
  const topic = values.topic!;
  const admin = kafkaAdmin(values.kafka);
  try {
    await admin.createTopic(topic, partitions); // no-op when the topic exists
  } finally {
    admin.close();
  }
  stream.sinkTo(sinks.kafka<NexmarkEvent>({
    brokers: values.kafka,
    topic,
    key: entityKey,
    guarantee: 'at-least-once',
    properties: { 'linger.ms': 20 },
  })).name('nexmark-kafka');
  target = `Kafka topic ${topic} @ ${values.kafka}`;
} else {
  stream.sinkTo(sinks.jsonl<NexmarkEvent>(values.out!)).name('nexmark-file');
  target = values.out!;
}

const result = await env.execute('nexmark-write');
const seconds = result.durationMs / 1000;
console.log(`nexmark write: events ${firstEvent}..${firstEvent + events - 1} (${events}) -> ${target} in ${result.durationMs} ms`
  + (seconds > 0 ? `, ${Math.round(events / seconds)} events/s` : ''));
