// Type-level tests: a DataStream's schema for SQL names fields of its record type, and the rowtime
// is one of them. `tsc --noEmit` (part of `npm test`) fails if a line marked with the expect-error
// directive compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, StreamTableEnvironment, type StreamSchema } from 'eddy';

interface Click { page: string; user: string; at: number }

test('a stream\'s SQL schema names fields of its record type', () => {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  const clicks = env.fromCollection<Click>([{ page: '/a', user: 'u', at: 1 }]);
  const table = tEnv.fromDataStream(clicks, { columns: { page: 'STRING', at: 'TIMESTAMP(3)' }, rowtime: 'at' });
  tEnv.createTemporaryView('clicks', clicks, { columns: { page: 'STRING', user: 'STRING' } });
  const schema: StreamSchema<Click> = { columns: { user: 'STRING' } };

  // Compiled, never run: these would also fail at run time.
  const _wrong = () => {
    // @ts-expect-error: Click has no field 'pgae'
    tEnv.fromDataStream(clicks, { columns: { pgae: 'STRING' } });
    // @ts-expect-error: the rowtime must be a field of Click
    tEnv.fromDataStream(clicks, { columns: { at: 'TIMESTAMP(3)' }, rowtime: 'ts' });
    // @ts-expect-error: a type is SQL text
    tEnv.fromDataStream(clicks, { columns: { at: 3 } });
  };

  assert.deepEqual(table.columns, [{ name: 'page', type: 'STRING' }, { name: 'at', type: 'TIMESTAMP(3) *ROWTIME*' }]);
  assert.deepEqual(schema.columns, { user: 'STRING' });
});
