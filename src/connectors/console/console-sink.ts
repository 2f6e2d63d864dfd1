import type { Sink } from '../sink.ts';

/**
 * Prints each record on standard output (JSON unless a format is given).
 *
 * @example
 * alerts.sinkTo(sinks.console((a) => `ALERT ${a.card}: ${a.declines} declines`));
 */
export function consoleSink<T>(format: (value: T) => string = (v) => JSON.stringify(v)): Sink<T> {
  return {
    kind: 'console',
    describe: () => 'console()',
    createWriter: () => {
      let parts: string[] = [];
      let pending = 0;
      return {
        open: async () => {},
        write(values, _times, n) {
          for (let i = 0; i < n; i++) {
            const line = `${format(values[i])}\n`;
            parts.push(line);
            pending += line.length;
          }
        },
        get backlog() {
          return pending;
        },
        capacity: 1 << 16,
        async flush() {
          if (pending === 0) return;
          const data = parts.join('');
          parts = [];
          pending = 0;
          if (!process.stdout.write(data)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
        },
        async close() {
          await this.flush();
        },
      };
    },
  };
}
