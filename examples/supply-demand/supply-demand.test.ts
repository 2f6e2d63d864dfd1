/**
 * supply-demand: the aggregate on its own; exact balances, the union's watermark and idleness
 * with the StreamTestDriver; and the whole job on the sample data against a brute-force count.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { StreamTestDriver } from 'eddy/testing';
import { generateSupplyDemand } from './make-data.ts';
import {
  OUT_OF_ORDERNESS_MS, WINDOW_MS, supplyDemand, tally,
  type CellBalance, type CellEvent, type DriverAvailable, type RideRequest, type SupplyDemandPaths,
} from './pipeline.ts';

const REQUESTS = fileURLToPath(new URL('data/requests.jsonl', import.meta.url));
const DRIVERS = fileURLToPath(new URL('data/drivers.jsonl', import.meta.url));

function pathsIn(dir: string, requests: string, drivers: string): SupplyDemandPaths {
  return { requests, drivers, balance: join(dir, 'balance.jsonl'), lateEvents: join(dir, 'late-events.jsonl') };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}

function drive() {
  const env = StreamEnvironment.create();
  const job = supplyDemand(env, pathsIn('unused', 'unused-requests.jsonl', 'unused-drivers.jsonl'));
  const driver = StreamTestDriver.create(env);
  const balance = driver.output(job.balance);
  const late = driver.output(job.lateEvents);
  return { driver, balance, late, requests: driver.input<RideRequest>('requests'), drivers: driver.input<DriverAvailable>('drivers') };
}

let nextRequest = 1;
const request = (cell: string, ts: number): RideRequest => ({ request_id: `q-${nextRequest++}`, rider: 'r1', cell, ts });
const ping = (driver: string, cell: string, ts: number): DriverAvailable => ({ driver, cell, ts });
const balanceOf = (cell: string, start: number, supply: number, demand: number, ratio: number | null): CellBalance => ({
  cell, start, end: start + WINDOW_MS, supply, demand, ratio,
});

test('the aggregate counts requests and distinct drivers, and merges partial tallies', () => {
  const events: CellEvent[] = [
    { kind: 'driver', cell: 'A', ts: 1, driverId: 'd1' },
    { kind: 'request', cell: 'A', ts: 2, requestId: 'q1' },
    { kind: 'driver', cell: 'A', ts: 3, driverId: 'd1' },
  ];
  const acc = events.reduce((a, e) => tally.add(e, a), tally.createAccumulator());
  assert.deepEqual(tally.getResult(acc), { supply: 1, demand: 1 });
  const other = tally.add({ kind: 'driver', cell: 'A', ts: 4, driverId: 'd2' }, tally.add({ kind: 'driver', cell: 'A', ts: 5, driverId: 'd1' }, tally.createAccumulator()));
  assert.deepEqual(tally.getResult(tally.merge(acc, other)), { supply: 2, demand: 1 });
});

test('supply, demand and their ratio per cell, once both feeds have passed the window end', () => {
  const { requests, drivers, balance } = drive();
  requests.push(request('A', 1_000)).push(request('B', 2_000)).push(request('B', 3_000));
  drivers.push(ping('d1', 'A', 1_500)).push(ping('d2', 'A', 5_000)).push(ping('d1', 'A', 16_500)).push(ping('d3', 'C', 20_000));
  requests.push(request('A', 36_000)); // requests' watermark 30_999, but the drivers' is 14_999
  assert.deepEqual(balance.values, []);
  drivers.push(ping('d2', 'B', 35_500)); // drivers' watermark 30_499: now both have passed 29_999
  assert.deepEqual(balance.take(), [
    balanceOf('A', 0, 2, 1, 2), // d1 pinged twice: one driver
    balanceOf('B', 0, 0, 2, 0),
    balanceOf('C', 0, 1, 0, null),
  ]);
  requests.end();
  drivers.end();
  assert.deepEqual(balance.take(), [balanceOf('A', 30_000, 0, 1, 0), balanceOf('B', 30_000, 1, 0, null)]);
});

test('a feed that goes quiet holds the windows back until it is idle; what it sends afterwards may be late', () => {
  const { driver, requests, drivers, balance, late } = drive();
  drivers.push(ping('d1', 'A', 1_000)); // processing time 0
  driver.advanceProcessingTime(10_000);
  requests.push(request('A', 2_000)).push(request('A', 40_000)); // requests' watermark 34_999
  assert.deepEqual(balance.values, []);

  driver.advanceProcessingTime(20_000); // drivers silent for 30 s: idle, so requests alone set the time
  assert.deepEqual(balance.take(), [balanceOf('A', 0, 1, 1, 1)]);

  drivers.push(ping('d2', 'A', 25_000)); // the drivers feed is back, with a ping for a window already written
  assert.deepEqual(late.values, [{ kind: 'driver', cell: 'A', ts: 25_000, driverId: 'd2' }]);
  assert.equal(driver.metrics().lateToSideOutput, 1);

  drivers.push(ping('d2', 'A', 41_000));
  driver.endInput();
  assert.deepEqual(balance.take(), [balanceOf('A', 30_000, 1, 1, 1)]);
});

test('the sample data is what make-data.ts generates', () => {
  const data = generateSupplyDemand();
  assert.equal(readFileSync(REQUESTS, 'utf8'), data.requests);
  assert.equal(readFileSync(DRIVERS, 'utf8'), data.drivers);
});

const eventId = (e: CellEvent): string => (e.kind === 'request' ? `request|${e.requestId}` : `driver|${e.driverId}|${e.ts}`);

/** Events of one feed that are late against that feed's own watermark (the highest timestamp so far minus the bound minus 1). */
function lateInOwnFeed(events: readonly CellEvent[]): Set<string> {
  const late = new Set<string>();
  let maxTs = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const start = Math.floor(e.ts / WINDOW_MS) * WINDOW_MS;
    if (start + WINDOW_MS - 1 <= maxTs - OUT_OF_ORDERNESS_MS - 1) late.add(eventId(e));
    maxTs = Math.max(maxTs, e.ts);
  }
  return late;
}

/** Supply and demand per cell and window, counted the obvious way. */
function bruteForce(events: readonly CellEvent[]): CellBalance[] {
  const cells = new Map<string, { cell: string; start: number; demand: number; drivers: Set<string> }>();
  for (const e of events) {
    const start = Math.floor(e.ts / WINDOW_MS) * WINDOW_MS;
    const id = `${e.cell}@${start}`;
    const c = cells.get(id) ?? { cell: e.cell, start, demand: 0, drivers: new Set<string>() };
    if (e.kind === 'request') c.demand += 1;
    else c.drivers.add(e.driverId);
    cells.set(id, c);
  }
  return [...cells.values()].map((c) => balanceOf(c.cell, c.start, c.drivers.size, c.demand, c.demand === 0 ? null : Math.round((c.drivers.size / c.demand) * 100) / 100))
    .sort(byCellStart);
}

function byCellStart(a: CellBalance, b: CellBalance): number {
  return a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.start - b.start;
}

// Which stragglers are late depends on how the two feeds interleave: bounded sources are read one
// batch each in turn, so that is fixed for a given batch size (and checked below), but it differs
// between batch sizes. What never varies: a record is late only if it is late in its own feed
// too, and every record is either in exactly one written window or in the late output.
for (const batchSize of [1, 1024]) {
  test(`the job on the sample data accounts for every event (batches of ${batchSize})`, async () => {
    const requests = readJsonl<RideRequest>(REQUESTS).map((r): CellEvent => ({ kind: 'request', cell: r.cell, ts: r.ts, requestId: r.request_id }));
    const drivers = readJsonl<DriverAvailable>(DRIVERS).map((d): CellEvent => ({ kind: 'driver', cell: d.cell, ts: d.ts, driverId: d.driver }));
    const candidates = new Set([...lateInOwnFeed(requests), ...lateInOwnFeed(drivers)]);
    assert.equal(candidates.size, 7);

    const dir = mkdtempSync(join(tmpdir(), 'supply-demand-'));
    const paths = pathsIn(dir, REQUESTS, DRIVERS);
    const env = StreamEnvironment.create({ batchSize });
    supplyDemand(env, paths);
    const result = await env.execute('supply-demand');

    assert.equal(result.status, 'finished');
    assert.equal(result.metrics.recordsIn, requests.length + drivers.length);
    const late = readJsonl<CellEvent>(paths.lateEvents);
    assert.ok(late.length > 0, 'some stragglers are late');
    for (const e of late) assert.ok(candidates.has(eventId(e)), `${eventId(e)} went to the late output though it is on time in its own feed`);
    const lateIds = new Set(late.map(eventId));
    const onTime = [...requests, ...drivers].filter((e) => !lateIds.has(eventId(e)));
    assert.deepEqual(readJsonl<CellBalance>(paths.balance).sort(byCellStart), bruteForce(onTime));

    // A replay of the same files gives the same output, line for line.
    const again = pathsIn(mkdtempSync(join(tmpdir(), 'supply-demand-')), REQUESTS, DRIVERS);
    const env2 = StreamEnvironment.create({ batchSize });
    supplyDemand(env2, again);
    await env2.execute('supply-demand');
    assert.deepEqual(readJsonl<CellBalance>(again.balance), readJsonl<CellBalance>(paths.balance));
    assert.deepEqual(readJsonl<CellEvent>(again.lateEvents), late);
  });
}
