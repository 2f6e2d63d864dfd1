/** The error for a record without a usable event timestamp in an event-time operator. */
export function missingTimestamp(operator: string, ts: number): Error {
  return new Error(
    `record has no event timestamp (${ts}) in event-time window '${operator}': give the source a WatermarkStrategy with ` +
      'withTimestampAssigner(...), call assignTimestampsAndWatermarks(...) before the window, or use a processing-time window',
  );
}
