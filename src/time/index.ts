export { type Clock, ManualClock, systemClock, formatTime } from './clock.ts';
export { type WatermarkGenerator, BoundedOutOfOrdernessGenerator, NoWatermarksGenerator } from './watermark-generator.ts';
export { WatermarkStrategy, type TimestampAssigner } from './watermark-strategy.ts';
