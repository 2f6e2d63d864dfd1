/**
 * The Flink peer (bench/peers/flink/): building it with Maven and running it in a JVM of its own.
 * Maven's output goes to bench/peers/flink/target/build.log, never to the benchmark's table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from './run-result.ts';

const PEER_DIR = fileURLToPath(new URL('../peers/flink/', import.meta.url));
const BUILD_LOG = fileURLToPath(new URL('../peers/flink/target/build.log', import.meta.url));
const CLASSPATH = `${join(PEER_DIR, 'target/classes')}:${join(PEER_DIR, 'target/lib/*')}`;

// Flink 1.20 on Java 17 reflects into these JDK packages (its flink-conf's env.java.opts.all).
const JVM_OPTIONS = [
  '-Xms2g', '-Xmx2g',
  ...['java.lang', 'java.lang.reflect', 'java.util', 'java.util.concurrent', 'java.util.concurrent.atomic', 'java.io', 'java.net',
    'java.nio', 'sun.nio.ch', 'java.time', 'java.text'].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

/**
 * Builds the peer with `mvn -q package` unless its classes are newer than its sources. The first
 * build downloads Flink's jars from Maven Central. Throws with the log's path if Maven fails.
 *
 * @example
 * buildFlinkPeer(); // then runFlink(...)
 */
export function buildFlinkPeer(): void {
  const classes = join(PEER_DIR, 'target/classes');
  const lib = join(PEER_DIR, 'target/lib');
  const sources = Math.max(newestMtime(join(PEER_DIR, 'src')), newestMtime(join(PEER_DIR, 'pom.xml')));
  if (existsSync(lib) && existsSync(classes) && newestMtime(classes) >= sources) return;
  for (const tool of ['mvn', 'java']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) {
      throw new Error(`The Flink peer needs '${tool}' on the PATH (JDK 17 and Maven 3; on Debian: apt-get install openjdk-17-jdk-headless maven).`);
    }
  }
  const r = spawnSync('mvn', ['-q', '-B', '-f', join(PEER_DIR, 'pom.xml'), 'package'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  mkdirSync(dirname(BUILD_LOG), { recursive: true });
  writeFileSync(BUILD_LOG, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) throw new Error(`Building the Flink peer failed (mvn exit ${r.status}); Maven's output is in ${BUILD_LOG}.`);
}

function java(args: string[], timeoutMs: number): string {
  return runPeerMain('eddy.bench.nexmark.Main', args, timeoutMs);
}

/**
 * Runs a main class of the peer in a JVM of its own and returns the last line it printed; throws
 * with the end of its stderr when it fails.
 *
 * @example
 * runPeerMain('eddy.bench.cep.CepParity', ['--input', csv, '--output', tsv], 600_000);
 */
export function runPeerMain(mainClass: string, args: string[], timeoutMs: number, jvmOptions: readonly string[] = []): string {
  const r = spawnSync('java', [...JVM_OPTIONS, ...jvmOptions, '-cp', CLASSPATH, mainClass, ...args], {
    encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs,
  });
  if (r.status !== 0) {
    throw new Error(`The Flink peer failed (java ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return line;
}

/**
 * The queries the peer has (`Main --list`).
 *
 * @example
 * flinkQueries(); // ['q0', 'q1', 'q2', 'q5', 'q11', 'q12']
 */
export function flinkQueries(): string[] {
  return (JSON.parse(java(['--list', 'all'], 60_000)) as { queries: string[] }).queries;
}

/**
 * SHA-256 of the peer's first `count` events, comparable with eventDigest() of Eddy's.
 *
 * @example
 * flinkDigest(100_000, 50) === eventDigest(events); // the generators agree
 */
export function flinkDigest(count: number, outOfOrderGroupSize = 1): string {
  return (JSON.parse(java(['--digest', String(count), '--out-of-order', String(outOfOrderGroupSize)], 120_000)) as { digest: string }).digest;
}

/**
 * Runs one query on Flink (local mini-cluster, parallelism 1); CPU time is the JVM's from the
 * source's open to the sink's finish, every thread included.
 *
 * @example
 * const r = runFlink('q5', 2_000_000, 0);
 * console.log(r.events / (r.cpuNs / 1e9), 'events/s per core');
 */
export function runFlink(query: string, events: number, checkpointMs: number, timeoutMs = 900_000): RunResult {
  const out = JSON.parse(java(['--query', query, '--events', String(events), '--checkpoint-ms', String(checkpointMs)], timeoutMs)) as Omit<RunResult, 'system'>;
  return { system: 'flink', query, events, results: out.results, cpuNs: out.cpuNs, wallNs: out.wallNs, checkpoints: out.checkpoints, maxRssKb: out.maxRssKb };
}

/**
 * How many results each query makes on Flink over events 0 .. events - 1 (one JVM, a mini-cluster
 * per query), to compare with Eddy's.
 *
 * @example
 * flinkResultCounts(['q0', 'q5'], 50_000); // { q0: 46000, q5: ... }
 */
export function flinkResultCounts(queries: readonly string[], events: number): Record<string, number> {
  return JSON.parse(java(['--results-of', queries.join(','), '--events', String(events)], 600_000)) as Record<string, number>;
}
