/**
 * One check of a conformance suite, free of any test framework: register it with yours. `skip`
 * holds the reason when the check does not apply to the connector under test (a sink without
 * two-phase commit, a source that never rejects input), so a report says what was left out and why.
 *
 * @example
 * import { test } from 'node:test';
 * for (const c of sourceConformance(subject)) test(`${subject.name}: ${c.name}`, { skip: c.skip }, c.run);
 */
export interface ConformanceCheck {
  readonly name: string;
  /** Why this check does not apply; undefined when it runs. */
  readonly skip?: string;
  /** Resolves when the connector passes; rejects with an assertion error that says what differed. */
  run(): Promise<void>;
}
