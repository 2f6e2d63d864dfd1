import { collectDefaultMetrics, type Metric, Registry, type RegistryContentType } from 'prom-client';
import { EDDY_METRICS, type EddyMetric, type ScrapeContext } from './eddy-metrics.ts';
import type { JobMetricsSnapshot } from './operator-metrics.ts';

/**
 * What Eddy's metrics are read from: anything with a name and a metrics snapshot, such as the
 * handle `env.executeAsync()` returns.
 *
 * @example
 * const source: EddyMetricsSource = env.executeAsync('clicks');
 */
export interface EddyMetricsSource {
  readonly name: string;
  metrics(): JobMetricsSnapshot;
}

/**
 * Options of `registerEddyMetrics`.
 *
 * @example
 * registerEddyMetrics(registry, job, { defaultMetrics: false }); // the service collects them itself
 */
export interface EddyMetricsOptions {
  /**
   * Also register prom-client's Node.js runtime metrics (event-loop lag, heap, GC, CPU, RSS, from
   * `collectDefaultMetrics`) in the registry, unless it already has them. Default true.
   */
  readonly defaultMetrics?: boolean;
}

type Labels = Readonly<Record<string, string>>;
type Value = { metricName?: string; labels: Record<string, string | number>; value: number };

/** One job in one registry, with what the throughput gauge needs from the scrape before. */
interface Registered {
  readonly source: EddyMetricsSource;
  previous: { at: number; in: number; out: number } | null;
  /** The snapshot of the scrape in progress (every metric of a scrape reads the same one). */
  current: { m: JobMetricsSnapshot; ctx: ScrapeContext } | null;
}

/** The jobs registered in each registry (one set of Eddy metrics per registry reads them all). */
const jobsOf = new WeakMap<object, Map<string, Registered>>();

/** A metric prom-client shows at each scrape; the name every collector of default metrics registers. */
const DEFAULT_METRIC = 'process_cpu_user_seconds_total';

/**
 * Registers Eddy's metrics for `job` in a prom-client registry of your own, so that a service
 * that embeds Eddy serves them on its own HTTP server next to its other metrics (no web port of
 * Eddy's needed). The values are read from the job at each scrape: nothing is written on the hot
 * path. Every series carries the label `eddy_job` (the job's name); register several jobs in one
 * registry and each has its own series, and a job registered again under the same name replaces
 * the old one. By default prom-client's Node.js runtime metrics are registered too, unless the
 * registry has them already (call `collectDefaultMetrics` yourself before this, or pass
 * `{ defaultMetrics: false }`). Returns a function that removes the job's series again.
 * The names are listed in docs/observability.md.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { Registry } from 'prom-client';
 * import { registerEddyMetrics } from 'eddy';
 *
 * const registry = new Registry();
 * const job = env.executeAsync('clicks');
 * registerEddyMetrics(registry, job);
 * createServer(async (req, res) => {
 *   if (req.url !== '/metrics') return void res.writeHead(404).end();
 *   res.writeHead(200, { 'Content-Type': registry.contentType }).end(await registry.metrics());
 * }).listen(9464);
 */
export function registerEddyMetrics<T extends RegistryContentType>(registry: Registry<T>, job: EddyMetricsSource, options: EddyMetricsOptions = {}): () => void {
  let jobs = jobsOf.get(registry);
  if (jobs === undefined) {
    const taken = EDDY_METRICS.filter((d) => registry.getSingleMetric(d.name) !== undefined).map((d) => d.name);
    if (taken.length > 0) throw new Error(`registerEddyMetrics: the registry already has metrics named ${taken.join(', ')} that Eddy did not register`);
    const created = new Map<string, Registered>();
    jobs = created;
    jobsOf.set(registry, created);
    for (const d of EDDY_METRICS) registry.registerMetric(scrapedMetric(d, created));
  }
  const entry: Registered = { source: job, previous: null, current: null };
  jobs.set(job.name, entry);
  if (options.defaultMetrics !== false && registry.getSingleMetric(DEFAULT_METRIC) === undefined) {
    // An OpenMetrics registry renames the counters it renders, so it gets collectors of its own.
    if (registry.contentType === Registry.OPENMETRICS_CONTENT_TYPE) collectDefaultMetrics({ register: registry });
    else for (const metric of runtimeMetrics().getMetricsAsArray()) registry.registerMetric(metric as unknown as Metric);
  }
  const registered = jobs;
  return () => {
    if (registered.get(job.name) === entry) registered.delete(job.name);
  };
}

/**
 * A fresh registry with Eddy's metrics for one job (and the Node.js runtime metrics unless
 * `defaultMetrics` is false): what a job's own web server serves at /metrics.
 *
 * @example
 * const registry = createPrometheusRegistry(job);
 * const text = await registry.metrics(); // the /metrics body
 */
export function createPrometheusRegistry(job: EddyMetricsSource, options: EddyMetricsOptions = {}): Registry {
  const registry = new Registry();
  registerEddyMetrics(registry, job, options);
  return registry;
}

let runtimeRegistry: Registry | null = null;

/**
 * prom-client's Node.js runtime metrics, collected once per process (each collector starts an
 * event-loop monitor and a GC observer) and shared by every registry that shows them.
 */
function runtimeMetrics(): Registry {
  if (runtimeRegistry === null) {
    runtimeRegistry = new Registry();
    collectDefaultMetrics({ register: runtimeRegistry });
  }
  return runtimeRegistry;
}

/** The snapshot of the scrape in progress; the first metric read takes it, the rest reuse it. */
function read(r: Registered): { m: JobMetricsSnapshot; ctx: ScrapeContext } {
  if (r.current !== null) return r.current;
  const m = r.source.metrics();
  const prev = r.previous;
  // Between two scrapes; a restart (counts start again) or the first scrape count from the attempt's start.
  const from = prev !== null && prev.in <= m.recordsIn && prev.out <= m.recordsOut && m.now > prev.at ? prev : { at: m.startedAt, in: 0, out: 0 };
  const secs = (m.now - from.at) / 1000;
  const ctx: ScrapeContext = { throughput: secs > 0 ? { in: (m.recordsIn - from.in) / secs, out: (m.recordsOut - from.out) / secs } : null };
  r.previous = { at: m.now, in: m.recordsIn, out: m.recordsOut };
  r.current = { m, ctx };
  // prom-client asks every metric of a scrape for its values in one synchronous pass.
  queueMicrotask(() => (r.current = null));
  return r.current;
}

/** A prom-client metric whose values are read from the registered jobs at each scrape. */
function scrapedMetric(d: EddyMetric, jobs: Map<string, Registered>): Metric {
  const metric = { name: d.name, help: d.help, type: d.type, aggregator: 'sum', get: () => values(metric.name), reset: () => {} };
  // An OpenMetrics registry renames counters (without _total) before it asks for values: answer under the name it uses.
  const values = (name: string) => {
    const out: Value[] = [];
    for (const r of jobs.values()) {
      const { m, ctx } = read(r);
      const job = { eddy_job: r.source.name };
      if (d.type === 'histogram') {
        const unit = d.scale === 'seconds' ? 1_000 : 1;
        for (const [labels, h] of d.read(m)) histogramValues(out, d.name, { ...job, ...labels }, h.bounds.map((b) => b / unit), h.cumulative, h.count, h.sum / unit);
      } else {
        for (const [labels, value] of d.read(m, ctx)) if (!Number.isNaN(value)) out.push({ labels: { ...job, ...labels }, value });
      }
    }
    return { name, help: d.help, type: d.type, values: out, aggregator: 'sum' as const };
  };
  // prom-client renders any object with a name, help, type and get(); its Metric type lists only its own classes.
  return metric as unknown as Metric;
}

function histogramValues(out: Value[], name: string, labels: Labels, bounds: readonly number[], cumulative: readonly number[], count: number, sum: number): void {
  bounds.forEach((le, i) => out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative[i] }));
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
  out.push({ metricName: `${name}_sum`, labels, value: sum });
  out.push({ metricName: `${name}_count`, labels, value: count });
}
