/**
 * Runs iot-overheat on the sample sensor messages in data/ and writes the alerts to out/.
 *
 *   node bin/eddy.mjs run examples/iot-overheat/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { iotOverheat, type IotOverheatPaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: IotOverheatPaths = { messages: here('data/messages.jsonl'), alerts: here('out/overheat.jsonl') };

const env = StreamEnvironment.create();
iotOverheat(env, paths);
const result = await env.execute('iot-overheat');

if (result.status === 'finished') {
  const written = result.metrics.operators.find((o) => o.name === 'overheat-file')?.recordsIn ?? 0;
  console.log(`iot-overheat: ${result.metrics.recordsIn} sensor messages read in ${result.durationMs} ms`);
  console.log(`  ${written} overheat alerts -> ${relative(process.cwd(), paths.alerts)}`);
}
