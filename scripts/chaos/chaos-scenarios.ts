import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launch } from '../../test/crash/killable-job.ts';
import type { ChaosScenario } from './chaos-scenario.ts';
import { CrashJobScenario } from './crash-job-scenario.ts';
import { kafkaStore } from './kafka-store.ts';
import { PostgresScenario } from './postgres-scenario.ts';
import { ScaleOutScenario } from './scale-out-scenario.ts';

const JOIN_JOB = { script: fileURLToPath(new URL('../../test/crash/fixtures/join-job.ts', import.meta.url)), sinks: ['interval', 'window'] };
const PER_SOURCE = Number(process.env.CHAOS_PER_SOURCE ?? 6_000);

/** The ids of the scenarios, for --scenarios. */
export const SCENARIO_IDS = ['files-heap', 'files-lmdb', 'joins-heap', 'joins-lmdb', 'kafka', 'postgres', 'scale-out'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/**
 * Every crash scenario of the chaos run, by id. Weights share the kills out: a kill of a file
 * scenario costs about one job run, a PostgreSQL or Kafka one a little more, a scale-out one a
 * session timeout.
 *
 * @example
 * const all = chaosScenarios(warm.launch, [...SCENARIO_IDS]);
 */
export function chaosScenarios(launch: Launch, ids: readonly ScenarioId[]): [ScenarioId, ChaosScenario][] {
  const make: Record<ScenarioId, () => ChaosScenario> = {
    'files-heap': () => new CrashJobScenario({ name: 'files · heap · windows, timers, CEP', weight: 4, backend: 'heap', perSource: PER_SOURCE, launch }),
    'files-lmdb': () => new CrashJobScenario({ name: 'files · LMDB · windows, timers, CEP', weight: 3, backend: 'lmdb', perSource: PER_SOURCE, launch }),
    'joins-heap': () => new CrashJobScenario({ name: 'files · heap · interval + window join, async I/O', weight: 3, backend: 'heap', job: JOIN_JOB, perSource: PER_SOURCE, launch }),
    'joins-lmdb': () => new CrashJobScenario({ name: 'files · LMDB · interval + window join, async I/O', weight: 3, backend: 'lmdb', job: JOIN_JOB, perSource: PER_SOURCE, launch }),
    // Its oracle is a run of the same job into files: Kafka must end up holding exactly that.
    'kafka': () => new CrashJobScenario({
      name: 'Kafka sinks · heap · joins, async I/O', weight: 2, backend: 'heap', job: JOIN_JOB, store: kafkaStore(JOIN_JOB.sinks), perSource: PER_SOURCE, launch,
    }),
    'postgres': () => new PostgresScenario(2, launch),
    'scale-out': () => new ScaleOutScenario(1),
  };
  return ids.map((id) => [id, make[id]()]);
}

/** Where a scenario keeps its files under the run's directory. */
export function scenarioDir(root: string, id: ScenarioId): string {
  return join(root, id);
}
