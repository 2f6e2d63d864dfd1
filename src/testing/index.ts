/// <reference types="node" preserve="true" />
// (Eddy's declarations use Node's types, e.g. Buffer for Kafka bytes: kept in the .d.ts so that a
// project whose tsconfig lists no "types" still finds them.)
export { StreamTestDriver, type TestOutput, type TestDriverOptions, type DriverSnapshot } from './stream-test-driver.ts';
export { TestInput } from './test-input.ts';
export type { RawKafkaMessage } from './kafka-feeder.ts';
export { ManualClock } from '../time/clock.ts';
export type { ConformanceCheck } from './conformance-check.ts';
export { sourceConformance, type SourceConformanceSubject } from './source-conformance.ts';
export { sinkConformance, type SinkConformanceSubject, type SinkDestination } from './sink-conformance.ts';
