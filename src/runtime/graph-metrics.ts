import type { CheckpointMetrics, JobMetricsSnapshot } from '../metrics/operator-metrics.ts';
import type { LatencyTracker } from '../metrics/latency-tracker.ts';
import type { Plan } from '../plan/plan.ts';
import { stopwatchMs } from '../time/stopwatch.ts';
import type { RuntimeNode } from './runtime-node.ts';
import type { SourceTask } from './source-task.ts';

/**
 * Keyed-state sizes are read at most once a second, and less often when reading them is slow
 * (a heap backend's byte estimate walks its state): their cost stays under 1 % of the time.
 */
const STATE_STATS_MIN_EVERY_MS = 1_000;
const STATE_STATS_MAX_SHARE = 0.01;

/** What the job's metrics are read from: a running graph's parts as they stand. */
export interface GraphView {
  readonly jobName: string;
  readonly startedAt: number;
  readonly now: number;
  readonly nodes: readonly RuntimeNode[];
  readonly sources: readonly SourceTask<unknown>[];
  readonly checkpoints: CheckpointMetrics | null;
  readonly latency: LatencyTracker;
}

/**
 * The job's metrics from its running graph: totals over sources and sinks, each operator's
 * counters (an operator's backpressure is that of the sinks below it), keyed-state sizes read
 * now and then, splits, latency and checkpoints.
 *
 * @example
 * const figures = new GraphMetrics(plan); figures.snapshot(view).recordsIn;
 */
export class GraphMetrics {
  /** For each node, the sink nodes downstream of it (whose backlog can block it). */
  private readonly sinksBelow: number[][];
  /** When keyed-state sizes are read next (a heap backend's byte estimate walks its state). */
  private stateStatsDue = Number.NEGATIVE_INFINITY;

  constructor(plan: Plan) {
    this.sinksBelow = plan.nodes.map(() => []);
    for (let i = plan.nodes.length - 1; i >= 0; i--) {
      const n = plan.nodes[i];
      const below = n.kind === 'sink' ? [n.id] : this.sinksBelow[i];
      for (const input of n.inputs) for (const s of below) if (!this.sinksBelow[input].includes(s)) this.sinksBelow[input].push(s);
    }
  }

  snapshot(g: GraphView): JobMetricsSnapshot {
    let recordsIn = 0;
    let recordsOut = 0;
    let lateDropped = 0;
    let lateToSideOutput = 0;
    let deadLetters = 0;
    let watermark = Number.POSITIVE_INFINITY;
    for (const n of g.nodes) {
      const m = n.metrics;
      if (n.kind === 'source') {
        recordsIn += m.recordsOut;
        watermark = Math.min(watermark, m.watermark);
      }
      if (n.kind === 'sink') recordsOut += m.recordsIn;
      lateDropped += m.lateDropped;
      lateToSideOutput += m.lateToSideOutput;
      deadLetters += m.deadLetters;
    }
    const now = g.now;
    if (now >= this.stateStatsDue) this.readStateStats(g.nodes, now);
    const operators = g.nodes.map((n) => {
      let blocked = 0;
      for (const s of this.sinksBelow[n.id]) blocked += g.nodes[s].metrics.backpressuredMs;
      return n.kind === 'sink' ? { ...n.metrics } : { ...n.metrics, backpressuredMs: blocked };
    });
    return {
      job: g.jobName, startedAt: g.startedAt, now, recordsIn, recordsOut,
      lateDropped, lateToSideOutput, deadLetters, watermark, operators,
      checkpoints: g.checkpoints,
      sources: g.sources.map((s) => s.splitMetrics()),
      latency: g.latency.snapshot(),
    };
  }

  /** Refreshes each keyed operator's state size; between batches only (LMDB writes back its cache). */
  private readStateStats(nodes: readonly RuntimeNode[], now: number): void {
    const t0 = stopwatchMs();
    for (const n of nodes) {
      const backend = n.backend;
      if (backend === null) continue;
      let keys = 0;
      let bytes = 0;
      try {
        for (const t of backend.stats()) {
          if (t.name.startsWith('__')) continue;
          keys += t.keys;
          bytes += t.bytes;
        }
      } catch {
        continue; // a closed backend (the job has ended) keeps its last figures
      }
      n.metrics.stateKeys = keys;
      n.metrics.stateBytes = bytes;
    }
    this.stateStatsDue = now + Math.max(STATE_STATS_MIN_EVERY_MS, (stopwatchMs() - t0) / STATE_STATS_MAX_SHARE);
  }
}
