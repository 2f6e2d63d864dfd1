import type { Source } from 'eddy';

/**
 * The numbers below `count`, in chunks of `chunk`; chunk k only once `gate()` has reached k, by
 * default once k checkpoints have completed (the reader hears of each through
 * notifyCheckpointComplete). A test that needs many checkpoints or commits gets them however slow
 * the machine: at a fixed rate, a loaded machine took two checkpoints where six were due.
 *
 * @example
 * env.fromSource(pacedNumbers(6_000, 500), WatermarkStrategy.noWatermarks(), 'numbers');
 * env.fromSource(pacedNumbers(3_000, 250, () => sinkCommits), WatermarkStrategy.noWatermarks(), 'numbers');
 */
export function pacedNumbers(count: number, chunk: number, gate?: () => number): Source<number> {
  return {
    kind: 'paced', bounded: true, describe: () => `${count} numbers, ${chunk} per completed checkpoint`,
    createReader: (ctx) => {
      let next = 0;
      let completed = 0;
      const released = gate ?? (() => completed);
      return {
        open: async () => {},
        read: (batch) => {
          batch.length = 0;
          if (next >= count) return 'end';
          if (Math.floor(next / chunk) > released()) return 'idle';
          const n = Math.min(ctx.batchSize, chunk - (next % chunk), count - next);
          for (let i = 0; i < n; i++) {
            batch.values[i] = next + i;
            batch.times[i] = next + i;
          }
          batch.split = 0;
          batch.length = n;
          next += n;
          return 'data';
        },
        notifyCheckpointComplete: () => void completed++,
        splitCount: () => 1,
        splitName: () => 'paced',
        isSplitFinished: () => next >= count,
        position: () => next,
        seek: (position) => void (next = (position as number | null) ?? 0),
        close: async () => {},
      };
    },
  };
}
