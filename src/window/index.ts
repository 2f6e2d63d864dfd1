export { type TimeWindow, GLOBAL_WINDOW, maxTimestamp } from './time-window.ts';
export { type Trigger, type TriggerContext, TriggerResult } from './trigger.ts';
export {
  EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger, PurgingTrigger, NeverTrigger,
} from './triggers.ts';
export { type WindowAssigner } from './window-assigner.ts';
export {
  TumblingEventTimeWindows, SlidingEventTimeWindows, CumulativeEventTimeWindows, TumblingProcessingTimeWindows, SlidingProcessingTimeWindows,
  EventTimeSessionWindows, ProcessingTimeSessionWindows, GlobalWindows,
} from './assigners.ts';
export { type Evictor, CountEvictor } from './evictor.ts';
