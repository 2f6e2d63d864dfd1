/**
 * Runs the card-fraud scorer against Kafka until stopped (Ctrl-C), checkpointing every 10 s so
 * that fraud.alerts is written exactly once.
 *
 *   eval "export $(scripts/kafka/up.sh)"
 *   node --conditions=eddy-source --import tsx examples/card-fraud/make-data.ts
 *   node bin/eddy.mjs run examples/card-fraud/job.ts
 */
import { StreamEnvironment } from 'eddy';
import { cardFraud } from './pipeline.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: eval "export $(scripts/kafka/up.sh)"');
const env = StreamEnvironment.create({ checkpoints: { dir: '.eddy/card-fraud/checkpoints', intervalMs: 10_000 } });
cardFraud(env, { brokers, authorizations: 'payments.auth', alerts: 'fraud.alerts', reconciliation: 'payments.reconciliation', groupId: 'card-fraud' });
await env.execute('card-fraud');
