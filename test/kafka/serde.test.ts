import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserializerFn, serializerFn } from '../../src/connectors/kafka/serde.ts';

test('deserializers: json, string, bytes, custom; JSON errors and tombstones throw (they become dead letters)', () => {
  assert.deepEqual(deserializerFn('json')(Buffer.from('{"a":1}')), { a: 1 });
  assert.throws(() => deserializerFn('json')(Buffer.from('{oops')), SyntaxError);
  assert.throws(() => deserializerFn('json')(null), /tombstone/);
  assert.equal(deserializerFn('string')(Buffer.from('héllo')), 'héllo');
  assert.equal(deserializerFn('string')(null), null);
  const b = Buffer.from([1, 2]);
  assert.equal(deserializerFn('bytes')(b), b);
  assert.equal(deserializerFn((x) => x!.length)(b), 2);
  assert.throws(() => deserializerFn('xml' as never), /unknown deserializer "xml"/);
});

test('serializers: json, string, custom', () => {
  assert.equal(serializerFn('json')({ a: [1] }), '{"a":[1]}');
  assert.equal(serializerFn('string')(12), '12');
  assert.equal(serializerFn<number>((n) => Buffer.from([n]))(7)?.[0], 7);
  assert.throws(() => serializerFn('avro' as never), /unknown serializer "avro"/);
});
