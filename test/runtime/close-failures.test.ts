// A reader or writer that fails to close does not fail a finished job, but it is not swallowed
// either: the run logs one line naming the operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEnvironment, WatermarkStrategy, type Sink, type Source } from 'eddy';

test('reader and writer close() failures are logged with the operator named', async () => {
  const logs: string[] = [];
  const env = StreamEnvironment.create({ log: (line) => logs.push(line) });
  const source: Source<number> = {
    kind: 'test', bounded: true, describe: () => 'test',
    createReader: () => ({
      open: async () => {},
      read: (batch) => {
        batch.split = 0;
        batch.length = 0;
        return 'end';
      },
      splitCount: () => 1, splitName: () => 'only', isSplitFinished: () => true, position: () => null, seek: () => {},
      close: async () => {
        throw new Error('socket already gone');
      },
    }),
  };
  const sink: Sink<number> = {
    kind: 'test', describe: () => 'test',
    createWriter: () => ({
      open: async () => {}, write: () => {}, backlog: 0, capacity: 10, flush: async () => {},
      close: async () => {
        throw new Error('disk full');
      },
    }),
  };
  env.fromSource(source, WatermarkStrategy.noWatermarks(), 'numbers').sinkTo(sink).name('store');
  const result = await env.execute('closing');
  assert.equal(result.status, 'finished');
  assert.deepEqual(logs, [
    "source 'numbers': closing its reader failed: socket already gone",
    "sink 'store': closing its writer failed: disk full",
  ]);
});
