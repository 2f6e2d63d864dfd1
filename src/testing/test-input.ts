import type { Source } from '../connectors/source.ts';
import type { LineFormat } from '../connectors/file/line-format.ts';
import { kafkaSourceOptions } from '../connectors/kafka/kafka-source.ts';
import { KafkaFeeder, type RawKafkaMessage } from './kafka-feeder.ts';
import { LineFeeder } from './line-feeder.ts';
import type { ManualReader } from './manual-reader.ts';

/**
 * One source of a StreamTestDriver.
 *
 * @example
 * driver.input<Click>('clicks').push(click, 1_000).advanceWatermark(60_000).end();
 */
export class TestInput<T> {
  constructor(
    private readonly driver: { afterInput(): void },
    private readonly reader: ManualReader<T>,
    private readonly name: string,
    private readonly format: LineFormat<T> | null = null,
    private readonly source: Source<T> | null = null,
  ) {}

  /**
   * Pushes one record; without a timestamp the source's timestamp assigner gives it one. Each push
   * is a batch of its own: the source's watermark strategy moves the watermark after it.
   */
  push(value: T, timestamp?: number): this {
    if (this.reader.ended) throw new Error('this input has ended');
    this.reader.push(value, timestamp ?? Number.NaN);
    this.driver.afterInput();
    return this;
  }

  /**
   * Pushes raw text through the source's own line format (file sources: jsonl, csv), as if read
   * from `file` (default: the source's name): a CSV header on its first line, blank lines
   * skipped, and lines that do not parse to DEAD_LETTERS with `file:line` (or failing the job
   * under badInput 'fail'). Line numbers and the header carry on across calls for the same file.
   *
   * @example
   * driver.input<Order>('orders').pushLines(['id,amount', '1,9.5', '2,oops'], { file: 'orders.csv' });
   * dead.values; // [{ operator: 'orders', position: 'orders.csv:3', reason: "column 'amount': 'oops' is not a number", raw: '2,oops' }]
   */
  pushLines(lines: readonly string[] | string, options: { readonly file?: string } = {}): this {
    if (this.reader.ended) throw new Error('this input has ended');
    const name = this.name;
    if (this.format === null) {
      throw new Error(`pushLines: source '${name}' does not read text lines; it works for file sources (sources.jsonl, sources.csv): push records with push()`);
    }
    const file = options.file ?? name;
    let feeder = this.reader.feeders.get(file);
    if (feeder === undefined) this.reader.feeders.set(file, (feeder = new LineFeeder(this.format, name, file, this.reader.restoredLines.get(file))));
    feeder.feed(typeof lines === 'string' ? lines.split('\n') : lines, this.reader.queue, this.reader.deadLetters);
    return this.deliverQueued();
  }

  /**
   * Pushes raw Kafka messages through a `sources.kafka` source's own `value`/`key` deserializers
   * and `record` function: a message that fails goes to DEAD_LETTERS at `topic/partition@offset`
   * (or fails the job under badInput 'fail'). Offsets count on per partition from 0 unless given.
   * The source's timestamp assigner stamps the records (`timestamp` reaches `record` only).
   *
   * @example
   * driver.input<Payment>('payments').pushKafka([{ value: '{"card":"c1","amount":12}' }, { value: '{oops' }]);
   * dead.values[0].position; // 'payments.auth/0@1'
   */
  pushKafka(messages: readonly RawKafkaMessage[]): this {
    if (this.reader.ended) throw new Error('this input has ended');
    const options = this.source === null ? null : kafkaSourceOptions(this.source as Source<unknown>);
    if (options === null) {
      throw new Error(`pushKafka: source '${this.name}' is not a sources.kafka source; use pushLines for file sources and push() for records`);
    }
    this.reader.kafka ??= new KafkaFeeder<T>(options as never, this.name, this.reader.restoredKafka);
    this.reader.kafka.feed(messages, this.reader.queue, this.reader.deadLetters);
    return this.deliverQueued();
  }

  private deliverQueued(): this {
    this.driver.afterInput();
    return this;
  }

  pushAll(values: readonly T[]): this {
    for (const v of values) this.push(v);
    return this;
  }

  /** Sets this input's watermark to `time` once the records pushed before have gone through. */
  advanceWatermark(time: number): this {
    this.reader.queue.push({ watermark: time });
    this.driver.afterInput();
    return this;
  }

  /** No more records: this input's watermark goes to +Infinity (after the records pushed before). */
  end(): void {
    if (this.reader.ended) return;
    this.reader.ended = true;
    this.driver.afterInput();
  }
}
