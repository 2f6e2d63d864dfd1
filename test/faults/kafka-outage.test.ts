// A broker outage under a running exactly-once job (the broker of this test, on ports 29092-29099,
// killed and restarted; never the shared one): the job keeps reading, retries its commits, fails
// over after `tolerableFailures` failed checkpoints and is restarted with backoff, and goes on
// publishing once the broker is back; what it committed equals the oracle, and its checkpoint
// directory stays bounded meanwhile. `npm run faults:kafka-outage -- --seconds 300` runs a longer one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaServer } from './kafka-server.ts';
import { runKafkaOutage, type KafkaOutageReport } from './kafka-outage-scenario.ts';
import { killJobChildren } from './job-child.ts';

let kafka: KafkaServer;
before(async () => {
  kafka = await KafkaServer.start();
}, { timeout: 240_000 });
after(async () => {
  killJobChildren();
  await kafka?.stop();
});

function check(r: KafkaOutageReport): void {
  if (process.env.EDDY_FAULTS_VERBOSE) process.stdout.write(`${r.log}\n`);
  process.stdout.write(`# Kafka outage ${r.outageMs / 1000} s: broker unavailable ${(r.unavailableMs / 1000).toFixed(1)} s, ` +
    `publishing again ${(r.recoverMs / 1000).toFixed(1)} s after it took connections again; ${r.committed} records committed; ` +
    `${r.failedCheckpoints} failed checkpoints (at most ${r.maxInARow} in a row), ${r.restarts} restarts; ` +
    `checkpoints ${r.storage.beforeBytes} B before, at most ${r.storage.maxBytes} B in ${r.storage.maxCheckpoints} checkpoints during (bound ${r.storage.boundBytes} B)\n`);
  assert.deepEqual(r.problems, [], `committed output differs from the oracle\n${r.log}`);
  assert.ok(r.storage.maxBytes <= r.storage.boundBytes, `checkpoint storage grew to ${r.storage.maxBytes} B (bound ${r.storage.boundBytes} B)\n${r.log}`);
  // The newest is written before retention retires the oldest.
  assert.ok(r.storage.maxCheckpoints <= r.retain + 1, `${r.storage.maxCheckpoints} complete checkpoints on disk (retain ${r.retain})`);
  // Failed commits are counted in a row, not each as the first (the limit must be able to trip).
  if (r.failedCheckpoints >= 2) assert.ok(r.maxInARow >= 2, `every failed checkpoint counted as the first in a row\n${r.log}`);
}

test('Kafka broker killed for 10 s mid-run: exactly-once output equals the oracle, checkpoints stay bounded', { timeout: 300_000 }, async () => {
  check(await runKafkaOutage(kafka, { outageMs: 10_000 }));
});

test('Kafka broker killed for 60 s mid-run: the job fails over and restarts with backoff, or waits out the outage; it publishes again, output exact', { timeout: 420_000 }, async () => {
  // One failed checkpoint tolerated: the first commit attempt alone may take half a minute to time out.
  const r = await runKafkaOutage(kafka, { outageMs: 60_000, tolerableFailures: 1 });
  check(r);
  // Which of the two the job does depends on where the kill lands: a commit that was in flight when
  // the broker died waits for it (librdkafka retries) and fails once when it is back, so nothing
  // more is counted; commits started during the outage fail one after the other, and past
  // tolerableFailures the job fails over. Either way it must publish again.
  const failedOver = r.maxInARow >= 2 && r.restarts >= 1;
  const waited = r.restarts === 0 && r.maxInARow <= 1;
  process.stdout.write(`# the job ${failedOver ? 'failed over and was restarted' : waited ? 'waited out the outage' : 'did neither'}\n`);
  assert.ok(failedOver || waited, `expected the job to fail over or to wait (${r.maxInARow} in a row, ${r.restarts} restarts)\n${r.log}`);
  assert.ok(Number.isFinite(r.recoverMs) && r.recoverMs < 60_000, `the job did not publish again within a minute of the broker's return\n${r.log}`);
});
