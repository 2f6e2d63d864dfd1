export { StreamTestDriver, TestInput, type TestOutput, type TestDriverOptions, type DriverSnapshot } from './stream-test-driver.ts';
export { ManualClock } from '../time/clock.ts';
