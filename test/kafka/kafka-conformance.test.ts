// The source and sink conformance suites (eddy/testing) against the Kafka connectors, on the real
// broker at KAFKA_BROKERS.
import { before, test } from 'node:test';
import { sinks, sources } from 'eddy';
import { type ConformanceCheck, sinkConformance, sourceConformance } from 'eddy/testing';
import { brokers, createTopic, produce, readTopic, uniqueName, values } from './kafka-test-env.ts';

interface Row { id: number; word: string }

before(() => brokers());

function register(name: string, checks: readonly ConformanceCheck[]): void {
  for (const c of checks) test(`${name}: ${c.name}`, { skip: c.skip }, c.run);
}

// The source: three partitions of 8 records each, with a message that is not JSON in each.
const sourceTopic = uniqueName('conf-src');
await createTopic(sourceTopic, 3);
await produce(sourceTopic, [0, 1, 2].flatMap((p) => [
  ...Array.from({ length: 8 }, (_, i): [number, string, unknown] => [p, `k${i}`, { id: p * 10 + i, word: `w${i}` }]),
  [p, 'bad', '{not json'] as [number, string, unknown],
]));
register('kafka source', sourceConformance({
  name: 'kafka',
  source: () => sources.kafka<Row>({ brokers: brokers(), topics: [sourceTopic], groupId: uniqueName('conf'), stopAtEnd: true }),
  records: 24,
  deadLetters: 3,
}));

// The sink, with and without transactions.
const records = Array.from({ length: 12 }, (_, i): Row => ({ id: i, word: `w${i}` }));
for (const guarantee of ['exactly-once', 'at-least-once'] as const) {
  register(`kafka sink (${guarantee})`, await sinkConformance<Row>({
    name: `kafka-${guarantee}`,
    records,
    destination: async () => {
      const topic = uniqueName('conf-sink');
      await createTopic(topic, 2);
      const transactionalIdPrefix = uniqueName('conf-tx');
      return {
        sink: () => sinks.kafka<Row>({ brokers: brokers(), topic, guarantee, transactionalIdPrefix, key: (r) => String(r.id) }),
        published: async (expected) => values<Row>(await readTopic(topic, { expected, settleMs: 300, timeoutMs: 15_000 })),
      };
    },
  }));
}
