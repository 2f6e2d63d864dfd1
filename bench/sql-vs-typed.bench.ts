/**
 * The cost of SQL over the typed API on the same Nexmark queries: each query runs on the same
 * generated events both ways, alternating, in one process; the figure is CPU time per run (user +
 * system), the median of `--rounds` rounds. The target: SQL within 20% of the typed API.
 *   node --conditions=eddy-source --import tsx bench/sql-vs-typed.bench.ts [--events 500000] [--rounds 3]
 */
import { SlidingEventTimeWindows, StreamEnvironment, StreamTableEnvironment, TumblingEventTimeWindows, type DataStream, type NexmarkEvent } from 'eddy';
import { nexmarkEvents } from '../examples/nexmark/nexmark-events.ts';
import { bids } from '../examples/nexmark/queries/bids.ts';
import { q0, q1, q2 } from '../examples/nexmark/queries/index.ts';
import { nexmarkDdl } from '../examples/nexmark/sql/nexmark-sql.ts';
import { countingSink } from './nexmark/counting-sink.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const EVENTS = arg('events', 500_000);
const ROUNDS = arg('rounds', 3);
const TPS = 10_000;

// `any`: a stream's type is invariant, and the bench only counts the rows.
const QUERIES: Record<string, { sql: string; typed: (env: StreamEnvironment, e: DataStream<NexmarkEvent>) => DataStream<any> }> = {
  q0: { sql: 'SELECT auction, bidder, price, `dateTime`, extra FROM bid', typed: (env, e) => q0(env, e) },
  q1: { sql: 'SELECT auction, bidder, 0.908 * price as price, `dateTime`, extra FROM bid', typed: (env, e) => q1(env, e) },
  q2: { sql: 'SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0', typed: (env, e) => q2(env, e) },
  'q5-auction-bids': {
    sql: "SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
    typed: (_env, e) => bids(e).keyBy((b) => b.auction).window(SlidingEventTimeWindows.of(10_000, 2_000)).count().map((c) => ({ auction: c.key, num: c.value, starttime: c.start, endtime: c.end })),
  },
  'q7-max-price': {
    sql: "SELECT MAX(price) AS maxprice, window_end as `dateTime` FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    typed: (_env, e) => bids(e).keyBy(() => 0).window(TumblingEventTimeWindows.of(10_000)).max((b) => b.price).map((m) => ({ maxprice: m.value, dateTime: m.end })),
  },
};

async function cpu(run: () => Promise<number>): Promise<{ ms: number; count: number }> {
  const before = process.cpuUsage();
  const count = await run();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, count };
}

async function sqlRun(sql: string): Promise<number> {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env);
  for (const s of nexmarkDdl({ events: EVENTS, tps: TPS })) await tEnv.executeSql(s);
  const sink = countingSink();
  tEnv.toDataStream(tEnv.sqlQuery(sql)).sinkTo(sink);
  await env.execute('sql');
  return sink.count;
}

async function typedRun(query: (env: StreamEnvironment, e: DataStream<NexmarkEvent>) => DataStream<any>): Promise<number> {
  const env = StreamEnvironment.create();
  const sink = countingSink();
  query(env, nexmarkEvents(env, { events: EVENTS, firstEventRate: TPS })).sinkTo(sink);
  await env.execute('typed');
  return sink.count;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${EVENTS} events, ${ROUNDS} rounds, CPU ms per run (median); load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, q] of Object.entries(QUERIES)) {
  const s: number[] = [];
  const t: number[] = [];
  let counts = '';
  for (let r = 0; r < ROUNDS; r++) {
    const a = await cpu(() => typedRun(q.typed));
    const b = await cpu(() => sqlRun(q.sql));
    t.push(a.ms);
    s.push(b.ms);
    counts = a.count === b.count ? `${a.count} rows` : `ROWS DIFFER: typed ${a.count}, SQL ${b.count}`;
  }
  console.log(`${name.padEnd(16)} typed ${median(t).toFixed(0).padStart(6)}  SQL ${median(s).toFixed(0).padStart(6)}  SQL/typed ${(median(s) / median(t)).toFixed(2)}  (${counts})`);
}
