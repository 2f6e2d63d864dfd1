// The three delivery guarantees with a failure injected part-way (the restart strategy path, and a
// second run in a fresh environment for a process restart): what the output holds afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, WatermarkStrategy, sources, sinks, type DeliveryGuarantee, type Sink, type SinkContext } from 'eddy';

const COUNT = 20_000;
const FAIL_AT = 7_777;
const BATCH = 64;

/** A sink whose writes are visible at once (no two-phase commit), in `seen`. */
function visibleSink(seen: number[], asked: SinkContext['guarantee'][], idempotent = false): Sink<number> {
  return {
    kind: 'visible', describe: () => 'visible', idempotent,
    createWriter: (ctx) => {
      asked.push(ctx.guarantee);
      return {
        open: async () => {}, write: (values, _t, n) => { for (let i = 0; i < n; i++) seen.push(values[i]); },
        backlog: 0, capacity: 1, flush: async () => {}, close: async () => {},
      };
    },
  };
}

function build(env: StreamEnvironment, sink: Sink<number>, fail: { armed: boolean }) {
  env.fromSource(sources.generator({ count: COUNT, generate: (i) => i }), WatermarkStrategy.noWatermarks(), 'numbers')
    .map((i) => {
      if (i === FAIL_AT && fail.armed) {
        fail.armed = false;
        throw new Error('injected failure');
      }
      return i;
    }).uid('maybe-fail')
    .sinkTo(sink);
}

function options(dir: string, guarantee: DeliveryGuarantee, logs: string[], restart: boolean) {
  return {
    batchSize: BATCH, log: (l: string) => void logs.push(l),
    checkpoints: { dir, intervalMs: 1, guarantee },
    restartStrategy: restart ? { kind: 'fixed-delay' as const, delayMs: 1, maxAttempts: 2 } : { kind: 'none' as const },
  };
}

const counts = (xs: number[]) => {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

for (const restart of ['restart strategy', 'new process'] as const) {
  test(`at-most-once, ${restart}: no record is output twice, the batch that failed is lost, the sources do not rewind`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-amo-'));
    try {
      const seen: number[] = [];
      const asked: SinkContext['guarantee'][] = [];
      const logs: string[] = [];
      const fail = { armed: true };
      const env = StreamEnvironment.create(options(dir, 'at-most-once', logs, restart === 'restart strategy'));
      build(env, visibleSink(seen, asked), fail);
      if (restart === 'restart strategy') {
        const r = await env.execute('amo');
        assert.equal(r.restarts, 1);
      } else {
        await assert.rejects(env.execute('amo'), /injected failure/);
        const again = StreamEnvironment.create(options(dir, 'at-most-once', logs, false));
        build(again, visibleSink(seen, asked), fail);
        await again.execute('amo');
      }
      assert.deepEqual(asked, ['at-most-once', 'at-most-once']);
      const c = counts(seen);
      assert.deepEqual([...c].filter(([, n]) => n > 1), [], 'no duplicates');
      const missing = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !c.has(i));
      assert.ok(missing.includes(FAIL_AT), 'the failing record is lost');
      assert.ok(missing.length > 0 && missing.length <= BATCH, `only (part of) the failing batch is lost, ${missing.length} records: ${missing.slice(0, 5).join(', ')}...`);
      assert.ok(c.has(COUNT - 1) && c.has(FAIL_AT + BATCH), 'the records after the failing batch are output');
      assert.ok(existsSync(join(dir, 'at-most-once-positions.json')));
      assert.ok(logs.some((l) => /at-most-once: sources of 'amo' resume/.test(l)), logs.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('at-least-once, restart strategy: every record is output, those after the restored checkpoint may repeat', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-alo-'));
  try {
    const seen: number[] = [];
    const asked: SinkContext['guarantee'][] = [];
    const env = StreamEnvironment.create(options(dir, 'at-least-once', [], true));
    build(env, visibleSink(seen, asked), { armed: true });
    const r = await env.execute('alo');
    assert.equal(r.restarts, 1);
    assert.deepEqual(asked, ['at-least-once', 'at-least-once']);
    const c = counts(seen);
    for (let i = 0; i < COUNT; i++) assert.ok(c.has(i), `record ${i} is output`);
    const repeated = [...c].filter(([, n]) => n > 1).map(([v]) => v);
    assert.ok(repeated.length > 0 && repeated.every((v) => v <= FAIL_AT), `the replay repeats records before the failure (${repeated.length})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exactly-once, restart strategy: the committed output holds every record once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-eo-'));
  try {
    const env = StreamEnvironment.create(options(join(dir, 'ckpt'), 'exactly-once', [], true));
    build(env, sinks.jsonl(join(dir, 'out')) as Sink<number>, { armed: true });
    const r = await env.execute('eo');
    assert.equal(r.restarts, 1);
    const out = join(dir, 'out');
    const lines = readdirSync(out).filter((n) => !n.startsWith('.')).sort().flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean).map(Number));
    assert.deepEqual(lines.sort((a, b) => a - b), Array.from({ length: COUNT }, (_, i) => i));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exactly-once with an idempotent sink: it writes at once (asked for at-least-once); a sink with neither two-phase commit nor idempotence is reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-idem-'));
  try {
    const upserts = new Map<number, number>();
    const writes: number[] = [];
    const asked: SinkContext['guarantee'][] = [];
    const plainAsked: SinkContext['guarantee'][] = [];
    const logs: string[] = [];
    const idem = visibleSink(writes, asked, true);
    const env = StreamEnvironment.create(options(dir, 'exactly-once', logs, true));
    const fail = { armed: true };
    build(env, idem, fail);
    env.fromCollection([1, 2, 3], undefined, 'other').sinkTo(visibleSink([], plainAsked));
    const r = await env.execute('idem');
    assert.equal(r.restarts, 1);
    assert.deepEqual(asked, ['at-least-once', 'at-least-once'], 'the idempotent sink writes at once');
    assert.deepEqual(plainAsked, ['exactly-once', 'exactly-once']);
    for (const w of writes) upserts.set(w, w);
    assert.equal(upserts.size, COUNT, 'upserts by key end with every record once');
    assert.ok(writes.length > COUNT, 'the replay wrote some keys again');
    const warned = logs.filter((l) => /no two-phase commit and does not declare itself idempotent/.test(l));
    assert.ok(warned.length >= 1 && warned.every((l) => !l.includes('maybe-fail')), logs.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
