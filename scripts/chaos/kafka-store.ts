import { brokers, createTopic, readTopic, uniqueName } from '../../test/kafka/kafka-test-env.ts';
import type { OutputStore } from './crash-job-scenario.ts';

/**
 * Output in Kafka topics `<prefix>-<sink>`, one new prefix per trial, read back with
 * read_committed (what a downstream consumer would see) for the job of test/crash/fixtures/join-job.ts.
 *
 * @example
 * new CrashJobScenario({ ..., store: kafkaStore(['interval', 'window']) });
 */
export function kafkaStore(sinks: readonly string[]): OutputStore {
  const prefixes = new Map<string, string>();
  return {
    kind: 'kafka',
    async prepare(tag) {
      const prefix = uniqueName(`chaos-${tag}`);
      prefixes.set(tag, prefix);
      for (const s of sinks) await createTopic(`${prefix}-${s}`, 1);
      return ['--sink', 'kafka', '--brokers', brokers(), '--topics', prefix];
    },
    async read(tag, _out, expected) {
      const prefix = prefixes.get(tag);
      if (prefix === undefined) throw new Error(`no topics for ${tag}`);
      const out: Record<string, string[]> = {};
      for (const s of sinks) {
        // After the expected count, reading goes on for a while: a duplicate would arrive then.
        const messages = await readTopic(`${prefix}-${s}`, { expected: expected[s] ?? 0, timeoutMs: expected[s] ? 30_000 : 3_000, settleMs: 1_000 });
        out[s] = messages.map((m) => m.value!.toString('utf8')).sort();
      }
      return out;
    },
  };
}
