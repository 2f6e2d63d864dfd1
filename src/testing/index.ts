export { StreamTestDriver, TestInput, type TestOutput, type TestDriverOptions, type DriverSnapshot } from './stream-test-driver.ts';
export type { RawKafkaMessage } from './kafka-feeder.ts';
export { ManualClock } from '../time/clock.ts';
