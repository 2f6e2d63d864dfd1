import type { Source } from 'eddy';

/**
 * The numbers below `count`, in chunks of `chunk`; chunk k only once k checkpoints have completed
 * (the reader hears of each through notifyCheckpointComplete). A test that needs many checkpoints
 * gets them however slow the machine: at a fixed rate, a loaded machine took two where six were due.
 *
 * @example
 * env.fromSource(pacedNumbers(6_000, 500), WatermarkStrategy.noWatermarks(), 'numbers');
 */
export function pacedNumbers(count: number, chunk: number): Source<number> {
  return {
    kind: 'paced', bounded: true, describe: () => `${count} numbers, ${chunk} per completed checkpoint`,
    createReader: () => {
      let next = 0;
      let completed = 0;
      return {
        open: async () => {},
        read: (batch) => {
          batch.length = 0;
          if (next >= count) return 'end';
          if (Math.floor(next / chunk) > completed) return 'idle';
          const n = Math.min(50, chunk - (next % chunk), count - next);
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
