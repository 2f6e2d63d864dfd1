// Type-level tests: CSV `types` (source) and `columns` (sink) name fields of the record type.
// `tsc --noEmit` (part of `npm test`) fails if a line marked with the expect-error directive compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type CsvSinkOptions, type CsvSourceOptions, StreamEnvironment, WatermarkStrategy, sinks, sources } from 'eddy';

interface Order { id: string; amount: number; paid: boolean; ts: number }

test('CSV column names are fields of the record type', () => {
  const env = StreamEnvironment.create();
  const orders = env.fromSource(sources.csv<Order>('orders.csv', { types: { amount: 'number', paid: 'boolean', ts: 'date' } }), WatermarkStrategy.noWatermarks(), 'orders');
  orders.sinkTo(sinks.csv<Order>('out.csv', { columns: ['id', 'amount'] }));
  // The sink's record type comes from the stream.
  orders.sinkTo(sinks.csv('out2.csv', { columns: ['ts', 'paid'] }));
  orders.map((o) => ({ total: o.amount })).sinkTo(sinks.csv('out3.csv', { columns: ['total'] }));
  const sourceOptions: CsvSourceOptions<Order> = { types: { amount: 'number' }, delimiter: ';' };
  const sinkOptions: CsvSinkOptions<Order> = { columns: ['id'] };
  // Without a record type, any column name goes (rows are Record<string, unknown>).
  sources.csv('any.csv', { types: { whatever: 'number' } });

  // @ts-expect-error: Order has no field 'amont'
  sources.csv<Order>('orders.csv', { types: { amont: 'number' } });
  // @ts-expect-error: not a column type
  sources.csv<Order>('orders.csv', { types: { amount: 'int' } });
  // @ts-expect-error: Order has no field 'amont'
  sinks.csv<Order>('out.csv', { columns: ['id', 'amont'] });
  // @ts-expect-error: the stream's records have no field 'price'
  orders.sinkTo(sinks.csv('out4.csv', { columns: ['price'] }));
  // @ts-expect-error: the options are for Order
  const wrong: CsvSinkOptions<Order> = { columns: ['total'] };
  void sourceOptions; void sinkOptions; void wrong;
  assert.ok(true);
});
