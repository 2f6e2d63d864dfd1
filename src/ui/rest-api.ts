import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isObjectStoreUrl, normalizeLocation } from '../checkpoint/checkpoint-location.ts';
import type { JobStatus } from '../metrics/job-lifecycle.ts';
import type { MetricsHistory } from '../metrics/metrics-history.ts';
import type { JobMetricsSnapshot, SourceMetrics } from '../metrics/operator-metrics.ts';
import type { Clock } from '../time/clock.ts';
import { StateQueryError } from './query-state.ts';
import type { WebTarget } from './web-target.ts';

/**
 * A REST answer: an HTTP status and a JSON body (an object with `error` when the status is 4xx/5xx).
 *
 * @example
 * const r: RestResponse = { status: 404, body: { error: 'no route GET /api/nope' } };
 */
export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Checkpoint records and samples returned by the API at most. */
const MAX_LISTED = 100;
/** What the dashboard shows of each list (it polls once a second). */
const DASHBOARD_CHECKPOINTS = 15;
const DASHBOARD_SAMPLES = 20;

/**
 * Whether a job status is final (the job has ended).
 *
 * @example
 * isFinal('finished'); // true
 */
export function isFinal(status: JobStatus): boolean {
  return status === 'finished' || status === 'stopped' || status === 'cancelled' || status === 'failed';
}

/**
 * Where an operator's input time comes from: following, from the operator up, the input with the
 * lowest watermark leads to a source and its live split with the lowest watermark: the one that
 * holds this operator's event time back ("why hasn't my window fired?").
 *
 * @example
 * heldBackBy(target.plan, metrics, 5); // { source: 'clicks', split: 'part-2', watermark: 1700000000000 }
 */
export function heldBackBy(target: Pick<WebTarget, 'plan'>, m: JobMetricsSnapshot, id: number): { source: string; split: string | null; watermark: number } | null {
  const nodes = target.plan.nodes;
  let at = nodes[id];
  for (let guard = 0; guard < nodes.length && at.kind !== 'source'; guard++) {
    if (at.inputs.length === 0) return null;
    let best = at.inputs[0];
    for (const i of at.inputs) if (m.operators[i].watermark < m.operators[best].watermark) best = i;
    at = nodes[best];
  }
  const src: SourceMetrics | undefined = m.sources?.find((s) => s.id === at.id);
  if (src === undefined) return null;
  const split = src.holdingBack === null ? null : src.splits[src.holdingBack];
  return { source: src.name, split: split?.name ?? null, watermark: split?.watermark ?? src.watermark };
}

/**
 * The JSON routes of a job's web server (see docs/rest-api.md). Pure request -> response: the
 * HTTP server does transport, auth and static files.
 *
 * @example
 * const api = new RestApi(target, history, clock);
 * const { status, body } = await api.handle('GET', '/api/job', new URLSearchParams(), null);
 */
export class RestApi {
  constructor(private readonly target: WebTarget, private readonly history: MetricsHistory, private readonly clock: Clock) {}

  async handle(method: string, path: string, query: URLSearchParams, body: unknown): Promise<RestResponse> {
    const t = this.target;
    const route = `${method} ${path}`;
    try {
      switch (route) {
        case 'GET /api/job': return ok(this.job());
        case 'GET /api/operators': return ok(this.operators());
        case 'GET /api/metrics': return ok(t.metrics());
        case 'GET /api/sources': return ok(t.metrics().sources ?? []);
        case 'GET /api/checkpoints': return ok(t.checkpoints().slice(-MAX_LISTED));
        case 'GET /api/samples': return ok(t.samples().slice(-MAX_LISTED));
        case 'GET /api/exceptions': return ok(t.exceptions().slice(-MAX_LISTED));
        case 'GET /api/history': return ok(this.historySince(query));
        case 'GET /api/dashboard': return ok(this.dashboard(query));
        case 'POST /api/savepoints': return await this.savepoint(body, false);
        case 'POST /api/stop': return await this.savepoint(body, true);
        case 'POST /api/cancel':
          t.cancel();
          return ok({ status: t.status() });
      }
      const state = /^\/api\/state\/([^/]+)\/([^/]+)$/.exec(path);
      if (state !== null && method === 'GET') {
        return ok(await t.queryState(decodeURIComponent(state[1]), decodeURIComponent(state[2])));
      }
      const known = ['/api/job', '/api/operators', '/api/metrics', '/api/sources', '/api/checkpoints', '/api/samples', '/api/exceptions', '/api/history',
        '/api/dashboard', '/api/savepoints', '/api/stop', '/api/cancel'];
      if (known.includes(path) || state !== null) return fail(405, `${method} is not allowed on ${path}`);
      return fail(404, `no route ${route}; see docs/rest-api.md`);
    } catch (e) {
      if (e instanceof StateQueryError) return fail(e.status, e.message);
      return fail(500, e instanceof Error ? e.message : String(e));
    }
  }

  /** Everything the dashboard page shows, from one snapshot, in one answer (one request a second). */
  private dashboard(query: URLSearchParams) {
    const t = this.target;
    const m = t.metrics();
    return {
      job: this.job(m), operators: this.operators(m), sources: m.sources ?? [], checkpoints: t.checkpoints().slice(-DASHBOARD_CHECKPOINTS),
      samples: t.samples().slice(-DASHBOARD_SAMPLES), exceptions: t.exceptions().slice(-MAX_LISTED), history: this.historySince(query),
    };
  }

  private historySince(query: URLSearchParams) {
    const since = Number(query.get('since') || Number.NEGATIVE_INFINITY);
    return this.history.points().filter((p) => p.at > since);
  }

  private job(m = this.target.metrics()) {
    const t = this.target;
    const life = m.lifecycle;
    const status = t.status();
    return {
      name: t.name, status, final: isFinal(status), startedAt: life?.startedAt ?? m.startedAt, attemptStartedAt: m.startedAt,
      endedAt: life?.endedAt ?? null, now: m.now, uptimeMs: (life?.endedAt ?? m.now) - (life?.startedAt ?? m.startedAt), restarts: life?.restarts ?? 0,
      recordsIn: m.recordsIn, recordsOut: m.recordsOut, throughputPerSec: this.history.throughput(),
      watermark: m.watermark, lateDropped: m.lateDropped, lateToSideOutput: m.lateToSideOutput, deadLetters: m.deadLetters,
      checkpoints: m.checkpoints ?? null, savepoints: t.savepointDir !== null,
    };
  }

  private operators(m = this.target.metrics()) {
    const t = this.target;
    const keyed = new Set(t.keyedOperators());
    const rates = new Map(this.history.operatorRates().map((r) => [r.id, r]));
    return t.plan.nodes.map((n) => {
      const om = m.operators[n.id];
      const r = rates.get(n.id);
      return {
        id: n.id, kind: n.kind, name: n.name, uid: n.uid, inputs: n.inputs, keyedState: keyed.has(n.id), metrics: om,
        rates: r ?? { id: n.id, inPerSec: 0, outPerSec: 0, busy: 0, backpressured: 0 },
        watermarkLagMs: Number.isFinite(om.watermark) ? m.now - om.watermark : null,
        heldBackBy: om.watermark === Number.POSITIVE_INFINITY ? null : heldBackBy(t, m, n.id),
      };
    });
  }

  private async savepoint(body: unknown, stop: boolean): Promise<RestResponse> {
    const t = this.target;
    const asked = typeof body === 'object' && body !== null && typeof (body as { path?: unknown }).path === 'string' ? (body as { path: string }).path : null;
    if (asked === null && t.savepointDir === null) return fail(409, 'savepoints need checkpoints: create the environment with { checkpoints: { dir } }');
    const stamp = new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-');
    const path = normalizeLocation(asked ?? `${t.savepointDir!}/savepoint-${stamp}`);
    // An object store's is checked by the job, which has its credentials.
    if (!isObjectStoreUrl(path) && await stat(join(path, 'MANIFEST.json')).then(() => true, () => false)) return fail(409, `${path} already holds a savepoint; choose another path`);
    try {
      const written = stop ? await t.stopWithSavepoint(path) : await t.savepoint(path);
      return ok({ path: written, stopped: stop });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return fail(/need checkpoints/.test(message) ? 409 : 500, message);
    }
  }
}

function ok(body: unknown): RestResponse {
  return { status: 200, body };
}

function fail(status: number, error: string): RestResponse {
  return { status, body: { error } };
}
