/**
 * iot-temperature: the average temperature of each sensor over tumbling five-minute windows.
 *
 * Shows the built-in `avg` window aggregation, a watermark that tolerates network jitter, and one
 * minute of allowed lateness: a reading that comes in after its window fired, but within the
 * minute, fires the window again with the corrected average; later ones go to a late output.
 */
import {
  OutputTag, TumblingEventTimeWindows, WatermarkStrategy, sinks, sources, type DataStream, type StreamEnvironment,
} from 'eddy';

/** One temperature reading as a sensor gateway forwards it. */
export interface Reading {
  readonly sensor: string;
  /** When the sensor took the reading (event time), epoch ms. */
  readonly ts: number;
  readonly celsius: number;
}

/** What the job writes: a sensor's average over one window (again, corrected, on a late firing). */
export interface SensorAverage {
  readonly sensor: string;
  readonly start: number;
  readonly end: number;
  /** Rounded to hundredths of a degree. */
  readonly celsius: number;
}

/** Window length, out-of-orderness bound and allowed lateness, in ms. */
export const WINDOW_MS = 5 * 60_000;
export const OUT_OF_ORDERNESS_MS = 15_000;
export const ALLOWED_LATENESS_MS = 60_000;

/** Readings that arrive after their window's allowed lateness has passed. */
export const LATE_READINGS = new OutputTag<Reading>('late-readings');

/** Where the job reads and writes. */
export interface IotTemperaturePaths {
  /** Input, one JSON reading per line. */
  readonly readings: string;
  /** Output: one `SensorAverage` per sensor and window. */
  readonly averages: string;
  readonly lateReadings: string;
}

/** The streams of the job, for tests to observe. */
export interface IotTemperatureStreams {
  readonly readings: DataStream<Reading>;
  readonly averages: DataStream<SensorAverage>;
  readonly lateReadings: DataStream<Reading>;
}

/**
 * Builds the job on `env`.
 *
 * @example
 * const env = StreamEnvironment.create();
 * iotTemperature(env, { readings: 'readings.jsonl', averages: 'out/averages.jsonl', lateReadings: 'out/late.jsonl' });
 * await env.execute('iot-temperature');
 */
export function iotTemperature(env: StreamEnvironment, paths: IotTemperaturePaths): IotTemperatureStreams {
  const readings = env.fromSource(
    sources.jsonl<Reading>(paths.readings),
    WatermarkStrategy.forBoundedOutOfOrderness<Reading>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((r) => r.ts),
    'readings',
  );
  const windows = readings
    .keyBy((r) => r.sensor)
    .window(TumblingEventTimeWindows.of<Reading>(WINDOW_MS))
    .allowedLateness(ALLOWED_LATENESS_MS)
    .sideOutputLateData(LATE_READINGS)
    .avg((r) => r.celsius)
    .name('average-per-sensor');
  // The late output belongs to the window operator, not to what follows it.
  const lateReadings = windows.getSideOutput(LATE_READINGS);
  const averages = windows
    .map((w): SensorAverage => ({ sensor: w.key, start: w.start, end: w.end, celsius: Math.round(w.value * 100) / 100 }))
    .name('round');

  averages.sinkTo(sinks.jsonl(paths.averages)).name('averages');
  lateReadings.sinkTo(sinks.jsonl(paths.lateReadings)).name('late-readings');
  return { readings, averages, lateReadings };
}
