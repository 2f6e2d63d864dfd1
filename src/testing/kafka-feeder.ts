import type { DeadLetter } from '../functions/dead-letter.ts';
import type { KafkaRecord, KafkaSourceOptions } from '../connectors/kafka/kafka-source.ts';
import { deserializerFn } from '../connectors/kafka/serde.ts';

/**
 * A Kafka message as the test driver takes it: the value's (and key's) bytes or text, and where it
 * sits. Omitted: `topic` is the source's first topic, `partition` 0, `offset` the partition's next
 * one (from 0), `timestamp` NaN.
 *
 * @example
 * const m: RawKafkaMessage = { value: '{"card":"c1","amount":12}', key: 'c1', partition: 2 };
 */
export interface RawKafkaMessage {
  readonly value: string | Buffer | null;
  readonly key?: string | Buffer | null;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly headers?: readonly Record<string, string | Buffer>[];
}

const bytes = (v: string | Buffer | null | undefined): Buffer | null => (v === undefined || v === null ? null : typeof v === 'string' ? Buffer.from(v) : v);

/**
 * Deserializes raw messages for the test driver with a Kafka source's own `value`, `key` and
 * `record` options, as its reader does: a message that fails becomes a dead letter at
 * `topic/partition@offset`.
 *
 * @example
 * new KafkaFeeder(options, 'payments').feed([{ value: '{oops' }], records, deadLetters); // deadLetters[0].position === 'payments.auth/0@0'
 */
export class KafkaFeeder<T> {
  private readonly parseValue: (b: Buffer | null) => unknown;
  private readonly parseKey: (b: Buffer | null) => unknown;
  private readonly next = new Map<string, number>();

  constructor(private readonly options: KafkaSourceOptions<T, unknown, unknown>, private readonly operator: string, position: unknown = null) {
    this.parseValue = deserializerFn(options.value ?? 'json');
    this.parseKey = deserializerFn(options.key ?? 'string');
    if (Array.isArray(position)) for (const [where, next] of position as [string, number][]) this.next.set(where, next);
  }

  /** The next offset of each partition (a restored driver's feeder goes on from them). */
  position(): unknown {
    return [...this.next];
  }

  feed(messages: readonly RawKafkaMessage[], records: { push(record: { value: T; time: number; at: string }): unknown }, deadLetters: DeadLetter[]): void {
    const record = this.options.record;
    for (const m of messages) {
      const topic = m.topic ?? this.options.topics?.[0] ?? 'topic';
      const partition = m.partition ?? 0;
      const where = `${topic}/${partition}`;
      const offset = m.offset ?? this.next.get(where) ?? 0;
      this.next.set(where, offset + 1);
      const value = bytes(m.value);
      try {
        const v = this.parseValue(value);
        const r: KafkaRecord<unknown, unknown> = {
          topic, partition, offset, timestamp: m.timestamp ?? Number.NaN, key: record === undefined ? null : this.parseKey(bytes(m.key)), value: v, headers: m.headers,
        };
        records.push({ value: record === undefined ? (v as T) : record(r), time: Number.NaN, at: `${where}@${offset}` });
      } catch (e) {
        deadLetters.push({ operator: this.operator, position: `${where}@${offset}`, reason: (e as Error).message, raw: value === null ? 'null' : value.toString('utf8', 0, 1000) });
      }
    }
  }
}
