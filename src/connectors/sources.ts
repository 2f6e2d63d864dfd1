import { collectionSource } from './collection/collection-source.ts';
import { csvSource } from './file/csv-source.ts';
import { jsonlSource } from './file/jsonl-source.ts';
import { kafkaSource } from './kafka/kafka-source.ts';
import { generatorSource } from './generator/generator-source.ts';
import { nexmarkSource } from './nexmark/nexmark-source.ts';
import { postgresSource } from './postgres/postgres-source.ts';

/**
 * The built-in sources.
 *
 * @example
 * env.fromSource(sources.jsonl<Click>('clicks.jsonl'), strategy, 'clicks');
 * env.fromSource(sources.csv<Order>('orders.csv', { types: { amount: 'number' } }), strategy, 'orders');
 * env.fromSource(sources.generator({ count: 1e6, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers');
 * env.fromSource(sources.postgres({ url, table: 'products', versionColumn: 'updated_at', key: 'sku' }), WatermarkStrategy.forMonotonousTimestamps(), 'products');
 */
export const sources = Object.freeze({
  jsonl: jsonlSource,
  csv: csvSource,
  generator: generatorSource,
  collection: collectionSource,
  nexmark: nexmarkSource,
  kafka: kafkaSource,
  postgres: postgresSource,
});
