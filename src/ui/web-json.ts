import { stateJsonReplacer } from '../checkpoint/inspect.ts';

/**
 * A REST answer as JSON. JSON has no infinities: +Infinity (a watermark once the input has ended,
 * a latency quantile above the largest bucket) is the string "+Inf"; -Infinity (no watermark yet)
 * and NaN (no value) are null. State values are shown as `stateToJson` shows them.
 *
 * @example
 * webJson({ watermark: Infinity, lag: NaN }); // '{"watermark":"+Inf","lag":null}'
 */
export function webJson(body: unknown): string {
  return JSON.stringify(body, (k, v: unknown) => (v === Number.POSITIVE_INFINITY ? '+Inf' : stateJsonReplacer(k, v))) ?? 'null';
}
