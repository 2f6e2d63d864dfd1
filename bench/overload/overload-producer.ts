// The input of the overload run, in a process of its own (so that its client's queues do not
// count in the job's memory and its work does not take the job's event loop):
//
//   overload-producer.ts BROKERS TOPIC RATE:SECONDS[,RATE:SECONDS...]
//
// Record i is { id: i, k: `k${i % 60}` } in partition (i % 60) % 3. Each phase produces at RATE
// records/s for SECONDS, flushing every 100 ms, so the rate is what the broker really takes when it
// cannot take more. Prints `PHASE <index> <records so far>` as each phase starts,
// `COUNT <records so far>` every second, and `DONE <records> <ms of each phase,...>`.
import { KafkaProducerHandle } from '../../src/connectors/kafka/kafka-client.ts';

const [brokers, topic, plan] = process.argv.slice(2);
const phases = plan.split(',').map((p) => p.split(':').map(Number) as [number, number]);
const KEYS = 60;
const producer = await KafkaProducerHandle.connect({ 'bootstrap.servers': brokers, 'linger.ms': 20 });
let produced = 0;
const report = setInterval(() => process.stdout.write(`COUNT ${produced}\n`), 1_000);
const took: number[] = [];
for (const [i, [rate, seconds]] of phases.entries()) {
  process.stdout.write(`PHASE ${i} ${produced}\n`);
  const start = performance.now();
  const first = produced;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - (produced - first);
    for (let j = 0; j < due; j++, produced++) {
      const key = produced % KEYS;
      producer.produce(topic, key % 3, Buffer.from(JSON.stringify({ id: produced, k: `k${key}` })), `k${key}`, null, undefined);
    }
    await producer.flush();
    await new Promise((r) => setTimeout(r, 100));
  }
  took.push(Math.round(performance.now() - start));
}
await producer.flush();
clearInterval(report);
process.stdout.write(`DONE ${produced} ${took.join(',')}\n`);
await producer.close();
