export { StreamTestDriver, TestInput, type TestOutput, type TestDriverOptions } from './stream-test-driver.ts';
export { ManualClock } from '../time/clock.ts';
