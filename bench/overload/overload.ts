// npm run overload -- [--minutes 5] [--sustainable 2000] [--factor 10] [--drain-s 120]
//
// The long overload run (test/faults/overload.test.ts is the short one): Kafka input at `factor`
// times what the job sustains for `minutes`, then at a quarter of it for 10 s, then none while the
// job catches up for at most `drain-s` (draining 5 minutes of 10x takes 45 minutes: what is left
// waits in Kafka). The job is stopped with a savepoint and its committed output checked: per key,
// exactly the first records, once each, with the right count. Writes bench/results/overload.json
// and docs/img/overload.svg (heap after GC and RSS over time). Needs KAFKA_BROKERS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lineChart } from '../nexmark/svg-chart.ts';
import { brokers, uniqueName } from '../../test/kafka/kafka-test-env.ts';
import { runOverload } from './overload-run.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' }, sustainable: { type: 'string', default: '2000' }, factor: { type: 'string', default: '10' }, 'drain-s': { type: 'string', default: '120' } } });
const sustainable = Number(values.sustainable);
const opts = { sustainable, factor: Number(values.factor), overloadS: Number(values.minutes) * 60, afterRate: sustainable / 4, afterS: 10, drainS: Number(values['drain-s']) };
process.stderr.write(`overload: ${opts.factor}x ${sustainable} records/s for ${values.minutes} min\n`);
const r = await runOverload({
  brokers: brokers(), topic: uniqueName('overload'), ...opts,
  onSample: (s) => {
    if (Math.round(s.t) % 30 === 0) process.stderr.write(`  ${s.t} s ${s.phase}: heap ${s.heapMb.toFixed(1)} MB, RSS ${s.rssMb.toFixed(0)} MB, backlog ${s.backlog}\n`);
  },
});
const { samples, ...summary } = r;
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
const root = fileURLToPath(new URL('../../', import.meta.url));
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
write('bench/results/overload.json', `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...opts, ...summary, samples }, null, 2)}\n`);
const per = Math.max(1, Math.ceil(samples.length / 150));
const line = (f: (s: (typeof samples)[number]) => number) => samples.filter((_, i) => i % per === 0).map((s) => [Math.round((s.t / 60) * 100) / 100, Math.round(f(s) * 10) / 10] as const);
write('docs/img/overload.svg', lineChart({
  title: `Overload: ${opts.factor}x the sustainable rate for ${values.minutes} min`,
  subtitle: `Kafka in at ${r.inputRate}/s, job ${r.jobRate}/s (slow sink); backlog up to ${r.backlogMax} records waits in Kafka; load average ${r.loadavg[0].toFixed(1)} on 2 cores`,
  xLabel: 'minutes', yLabel: 'MB',
  series: [
    { name: 'RSS', color: '#1f77b4', points: line((s) => s.rssMb) },
    { name: 'heap after GC', color: '#ff7f0e', points: line((s) => s.heapMb) },
  ],
}));
process.exitCode = r.problems.length === 0 ? 0 : 1;
