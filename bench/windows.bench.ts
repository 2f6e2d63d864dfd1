/**
 * Eddy's windowed aggregations against hand-written TypeScript doing the same work (see README.md).
 *
 *   node --conditions=eddy-source --import tsx bench/windows.bench.ts [--events N]
 *     [--workloads A,A-str,B] [--only eddy|hand] [--runs 3] [--no-json]
 *
 * Each workload runs in a child process of its own, Eddy and its hand baselines alternating in it,
 * so that workloads cannot affect each other through JIT type feedback or the heap (run in one
 * process, A measured about 5% slower after A-str and B had run). Time is read only through
 * stopwatch.ts (process.hrtime and process.cpuUsage). Writes bench/results/windows.json unless
 * --only, --no-json or --cpu-prof is given: profiled or partial runs are not benchmark figures.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { eddySlidingSum, eddyTumblingCount, type RunInfo } from './eddy-windows.ts';
import { type BenchEvent, KEYS, numericEvent, stringEvent } from './events.ts';
import { handSlidingSumKeyMajor } from './hand-sliding-key-major.ts';
import { handSlidingSum, handTumblingCount } from './hand-windows.ts';
import { comparisons, printTable, type Sample, summarize, type WorkloadReport, writeJson } from './report.ts';
import { startStopwatch } from './stopwatch.ts';
import { Tally } from './tally.ts';

type Run = (events: number, tally: Tally) => RunInfo | Promise<RunInfo>;

/** One way of doing a workload: 'eddy', or a hand-written baseline ('hand' is the main one). */
interface Impl {
  readonly id: string;
  readonly label: string;
  readonly run: Run;
}

interface Workload {
  readonly id: string;
  readonly description: string;
  /** Eddy first, then the hand baselines. */
  readonly impls: readonly Impl[];
}

const TUMBLE_MS = 10_000;
const SLIDE_SIZE_MS = 60_000;
const SLIDE_MS = 10_000;

function tumbling<K extends string | number>(id: string, keys: string, make: (i: number) => BenchEvent<K>): Workload {
  return {
    id,
    description: `keyBy(${keys} key, ${KEYS} keys), TumblingEventTimeWindows.of(${TUMBLE_MS}), count()`,
    impls: [
      { id: 'eddy', label: 'Eddy', run: (n, t) => eddyTumblingCount(n, make, TUMBLE_MS, t) },
      { id: 'hand', label: 'hand loop (a Map per window)', run: (n, t) => handTumblingCount(n, make, TUMBLE_MS, t) },
    ],
  };
}

const WORKLOADS: readonly Workload[] = [
  tumbling('A', 'numeric', numericEvent),
  tumbling('A-str', 'string', stringEvent),
  {
    id: 'B',
    description: `keyBy(numeric key, ${KEYS} keys), SlidingEventTimeWindows.of(${SLIDE_SIZE_MS}, ${SLIDE_MS}), sum(value)`,
    impls: [
      { id: 'eddy', label: 'Eddy', run: (n, t) => eddySlidingSum(n, numericEvent, SLIDE_SIZE_MS, SLIDE_MS, t) },
      { id: 'hand', label: 'hand loop (a Map per pane)', run: (n, t) => handSlidingSum(n, numericEvent, SLIDE_SIZE_MS, SLIDE_MS, t) },
      {
        id: 'hand-key-major', label: 'hand loop (key-major pane rings)',
        run: (n, t) => handSlidingSumKeyMajor(n, numericEvent, SLIDE_SIZE_MS, SLIDE_MS, t),
      },
    ],
  },
];

interface Options {
  events: number;
  workloads: string[];
  only: 'eddy' | 'hand' | null;
  runs: number;
  json: boolean;
  child: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { events: 10_000_000, workloads: WORKLOADS.map((w) => w.id), only: null, runs: 3, json: true, child: false };
  const count = (flag: string, s: string | undefined): number => {
    const n = Number((s ?? '').replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number >= 1, got '${s}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--events') o.events = count(a, argv[++i]);
    else if (a === '--runs') o.runs = count(a, argv[++i]);
    else if (a === '--workloads') o.workloads = (argv[++i] ?? '').split(',');
    else if (a === '--only') {
      const v = argv[++i];
      if (v !== 'eddy' && v !== 'hand') throw new Error(`--only takes 'eddy' or 'hand', got '${v}'`);
      o.only = v;
    } else if (a === '--no-json') o.json = false;
    else if (a === '--child') o.child = true;
    else throw new Error(`unknown argument '${a}' (known: --events N, --workloads A,A-str,B, --only eddy|hand, --runs N, --no-json)`);
  }
  for (const id of o.workloads) {
    if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`unknown workload '${id}' (known: ${WORKLOADS.map((w) => w.id).join(', ')})`);
  }
  return o;
}

// --- one workload, in a child process ------------------------------------------------------------

async function measure(run: Run, events: number): Promise<Sample> {
  const tally = new Tally();
  const stop = startStopwatch();
  const info = await run(events, tally);
  const t = stop();
  return { wallNs: t.wallNs, cpuNs: t.cpuNs, results: tally.results, checksum: tally.checksum, late: info.late };
}

async function runWorkload(w: Workload, o: Options): Promise<WorkloadReport> {
  const impls = w.impls.filter((i) => o.only === null || (o.only === 'eddy') === (i.id === 'eddy'));
  const samples = new Map<Impl, Sample[]>(impls.map((i) => [i, []]));
  for (const impl of impls) {
    process.stderr.write(`  ${w.id} warm-up ${impl.id}\n`);
    await measure(impl.run, o.events);
  }
  // Alternate the implementations so that drift (thermal, other load) hits all alike.
  for (let r = 0; r < o.runs; r++) {
    for (const impl of impls) {
      const s = await measure(impl.run, o.events);
      samples.get(impl)!.push(s);
      process.stderr.write(`  ${w.id} run ${r + 1}/${o.runs} ${impl.id}: ${(s.wallNs / 1e6).toFixed(0)} ms wall, ${(s.cpuNs / 1e6).toFixed(0)} ms cpu\n`);
    }
  }
  const reports: WorkloadReport['impls'] = {};
  for (const [impl, xs] of samples) reports[impl.id] = { label: impl.label, ...summarize(xs, o.events) };
  return { workload: w.id, description: w.description, events: o.events, impls: reports, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function runChild(id: string, o: Options): Promise<WorkloadReport> {
  const args = ['--child', '--workloads', id, '--events', String(o.events), '--runs', String(o.runs)];
  if (o.only !== null) args.push('--only', o.only);
  // The child inherits execArgv (--conditions, --import tsx, and --cpu-prof when profiling).
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let got: WorkloadReport | null = null;
    child.on('message', (m) => void (got = m as WorkloadReport));
    child.on('error', reject);
    child.on('exit', (code) => (got !== null && code === 0 ? resolve(got) : reject(new Error(`workload ${id} exited with code ${code}`))));
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    const w = WORKLOADS.find((x) => x.id === o.workloads[0])!;
    process.send!(await runWorkload(w, o));
    return;
  }
  console.log(`windows benchmark: ${o.events.toLocaleString('en-US')} events, ${o.runs} runs after 1 warm-up (median), node ${process.version}, ${os.availableParallelism()} cores`);
  const reports: WorkloadReport[] = [];
  for (const id of o.workloads) {
    const w = WORKLOADS.find((x) => x.id === id)!;
    console.log(`${w.id}: ${w.description}`);
    reports.push(await runChild(id, o));
  }
  const rows = reports.flatMap(comparisons);
  printTable(rows);
  const profiling = process.execArgv.some((a) => a.startsWith('--cpu-prof'));
  if (o.json && o.only === null && !profiling) console.log(`wrote ${writeJson(reports, rows, { events: o.events, runs: o.runs })}`);
  if (rows.some((c) => c.check.startsWith('MISMATCH'))) process.exitCode = 1;
}

await main();
