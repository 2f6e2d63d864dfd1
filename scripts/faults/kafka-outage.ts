// A long Kafka broker outage under a running exactly-once job, outside the test suite:
//
//   npm run faults:kafka-outage -- --seconds 300 [--rate 300] [--tolerable 3]
//
// Starts a broker of its own (scripts/kafka/up.sh on free ports in 29092-29099, never the shared
// one), runs the fault job (test/faults/fixtures/sink-job.ts) into it, kills the broker for the
// given time, restarts it, and reports what test/faults/kafka-outage.test.ts checks for 10 s and
// 60 s: time to recover, output against the oracle, checkpoint storage during the outage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KafkaServer } from '../../test/faults/kafka-server.ts';
import { runKafkaOutage } from '../../test/faults/kafka-outage-scenario.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' }, rate: { type: 'string', default: '300' }, tolerable: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds must be > 0, got ${values.seconds}`);
const say = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
say(`starting a broker of our own (load average ${readLoad()})`);
const kafka = await KafkaServer.start();
try {
  say(`broker ${kafka.brokers}; running the job at ${values.rate} records/s, tolerableFailures ${values.tolerable}`);
  const r = await runKafkaOutage(kafka, { outageMs: seconds * 1000, rate: Number(values.rate), tolerableFailures: Number(values.tolerable), progress: say });
  const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`;
  process.stdout.write([
    '',
    `| outage | broker unavailable | publishing again after it listens | failed checkpoints (most in a row) | restarts | records committed | oracle | checkpoints before / max during (bound) |`,
    '|---|---|---|---|---|---|---|---|',
    `| ${seconds} s | ${(r.unavailableMs / 1000).toFixed(1)} s | ${(r.recoverMs / 1000).toFixed(1)} s | ${r.failedCheckpoints} (${r.maxInARow}) | ${r.restarts} | ${r.committed} | ` +
      `${r.problems.length === 0 ? 'equal' : r.problems.join('; ')} | ${kb(r.storage.beforeBytes)} / ${kb(r.storage.maxBytes)} in ${r.storage.maxCheckpoints} checkpoints (${kb(r.storage.boundBytes)}) |`,
    `load average at the end: ${readLoad()}`,
    '',
  ].join('\n'));
  if (r.problems.length > 0 || r.storage.maxBytes > r.storage.boundBytes) {
    process.stdout.write(`${r.log}\n`);
    process.exitCode = 1;
  }
} finally {
  await kafka.stop();
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}
