/**
 * Runs iot-temperature on the sample readings in data/ and writes the five-minute averages and
 * the late readings to out/.
 *
 *   node bin/eddy.mjs run examples/iot-temperature/job.ts
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from 'eddy';
import { iotTemperature, type IotTemperaturePaths } from './pipeline.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const paths: IotTemperaturePaths = {
  readings: here('data/readings.jsonl'),
  averages: here('out/averages.jsonl'),
  lateReadings: here('out/late-readings.jsonl'),
};

const env = StreamEnvironment.create();
iotTemperature(env, paths);
const result = await env.execute('iot-temperature');

if (result.status === 'finished') {
  const written = (sink: string): number => result.metrics.operators.find((o) => o.name === sink)?.recordsIn ?? 0;
  const file = (path: string): string => relative(process.cwd(), path);
  console.log(`iot-temperature: ${result.metrics.recordsIn} readings read in ${result.durationMs} ms`);
  console.log(`  ${written('averages')} averages -> ${file(paths.averages)}`);
  console.log(`  ${written('late-readings')} late readings -> ${file(paths.lateReadings)}`);
}
