import { GLOBAL_WINDOW, type TimeWindow, windowStart } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './triggers.ts';
import type { WindowAssigner } from './window-assigner.ts';

function positive(what: string, ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`${what} must be a finite number of ms > 0, got ${ms}`);
  return ms;
}

function aligned<T>(kind: 'tumbling' | 'sliding', isEventTime: boolean, size: number, slide: number, offset: number): WindowAssigner<T> {
  positive(`${kind} window size`, size);
  positive(`${kind} window slide`, slide);
  if (!Number.isFinite(offset) || Math.abs(offset) >= slide) {
    throw new Error(`${kind} window offset must satisfy |offset| < slide (${slide} ms), got ${offset}`);
  }
  const domain = isEventTime ? 'EventTime' : 'ProcessingTime';
  return Object.freeze({
    kind, isEventTime, isMerging: false, size, slide, offset,
    assignWindows(_value: T, ts: number, out: TimeWindow[]) {
      const last = windowStart(ts, slide, offset);
      for (let start = last; start > ts - size; start -= slide) out.push({ start, end: start + size });
    },
    defaultTrigger: (): Trigger<T> => (isEventTime ? EventTimeTrigger.create<T>() : ProcessingTimeTrigger.create<T>()),
    describe: () => kind === 'tumbling'
      ? `Tumbling${domain}Windows(${size}${offset ? `, offset ${offset}` : ''})`
      : `Sliding${domain}Windows(${size}, ${slide}${offset ? `, offset ${offset}` : ''})`,
  });
}

/**
 * Fixed, non-overlapping event-time windows: [k*size + offset, (k+1)*size + offset).
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).count();
 */
export const TumblingEventTimeWindows = Object.freeze({
  of: <T = unknown>(sizeMs: number, offsetMs = 0): WindowAssigner<T> => aligned<T>('tumbling', true, sizeMs, sizeMs, offsetMs),
});

/**
 * Overlapping event-time windows of `size`, one starting every `slide`.
 *
 * @example
 * keyed.window(SlidingEventTimeWindows.of(600_000, 60_000)).count(); // last 10 minutes, every minute
 */
export const SlidingEventTimeWindows = Object.freeze({
  of: <T = unknown>(sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner<T> => aligned<T>('sliding', true, sizeMs, slideMs, offsetMs),
});

/**
 * Windows that grow by `step` from a fixed start up to `size` (Flink SQL's CUMULATE): for a size of
 * one day and a step of one hour, [00:00, 01:00), [00:00, 02:00), ... [00:00, 24:00), each firing at
 * its end, so a day's running total is emitted every hour. Each element belongs to every window of
 * its period that ends after it.
 *
 * @example
 * keyed.window(CumulativeEventTimeWindows.of(86_400_000, 3_600_000)).count();
 */
export const CumulativeEventTimeWindows = Object.freeze({
  of: <T = unknown>(sizeMs: number, stepMs: number, offsetMs = 0): WindowAssigner<T> => {
    positive('cumulative window size', sizeMs);
    positive('cumulative window step', stepMs);
    if (sizeMs % stepMs !== 0) throw new Error(`cumulative window size (${sizeMs} ms) must be a multiple of its step (${stepMs} ms)`);
    if (!Number.isFinite(offsetMs) || Math.abs(offsetMs) >= sizeMs) throw new Error(`cumulative window offset must satisfy |offset| < size (${sizeMs} ms), got ${offsetMs}`);
    return Object.freeze({
      kind: 'cumulative' as const, isEventTime: true, isMerging: false, size: sizeMs, slide: stepMs, offset: offsetMs,
      assignWindows(_value: T, ts: number, out: TimeWindow[]) {
        const start = windowStart(ts, sizeMs, offsetMs);
        for (let end = windowStart(ts, stepMs, offsetMs) + stepMs; end <= start + sizeMs; end += stepMs) out.push({ start, end });
      },
      defaultTrigger: (): Trigger<T> => EventTimeTrigger.create<T>(),
      describe: () => `CumulativeEventTimeWindows(${sizeMs}, ${stepMs}${offsetMs ? `, offset ${offsetMs}` : ''})`,
    });
  },
});

/**
 * Fixed windows of processing time (the clock when the element arrives).
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(10_000)).count();
 */
export const TumblingProcessingTimeWindows = Object.freeze({
  of: <T = unknown>(sizeMs: number, offsetMs = 0): WindowAssigner<T> => aligned<T>('tumbling', false, sizeMs, sizeMs, offsetMs),
});

/**
 * Overlapping windows of processing time.
 *
 * @example
 * keyed.window(SlidingProcessingTimeWindows.of(60_000, 10_000)).count();
 */
export const SlidingProcessingTimeWindows = Object.freeze({
  of: <T = unknown>(sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner<T> => aligned<T>('sliding', false, sizeMs, slideMs, offsetMs),
});

function session<T>(isEventTime: boolean, gapOf: (value: T) => number, label: string): WindowAssigner<T> {
  return Object.freeze({
    kind: 'session' as const, isEventTime, isMerging: true, size: 0, slide: 0, offset: 0,
    assignWindows(value: T, ts: number, out: TimeWindow[]) {
      const gap = gapOf(value);
      if (!Number.isFinite(gap) || gap <= 0) throw new Error(`session gap must be a finite number of ms > 0, got ${gap}`);
      out.push({ start: ts, end: ts + gap });
    },
    defaultTrigger: (): Trigger<T> => (isEventTime ? EventTimeTrigger.create<T>() : ProcessingTimeTrigger.create<T>()),
    describe: () => `${isEventTime ? 'EventTime' : 'ProcessingTime'}SessionWindows(${label})`,
  });
}

/**
 * Activity sessions in event time: a key's window closes after `gap` ms without elements; windows
 * that come to overlap merge.
 *
 * @example
 * keyed.window(EventTimeSessionWindows.withGap(30 * 60_000)).count();
 * keyed.window(EventTimeSessionWindows.withDynamicGap<Visit>((v) => (v.mobile ? 60_000 : 30_000))).count();
 */
export const EventTimeSessionWindows = Object.freeze({
  withGap: <T = unknown>(gapMs: number): WindowAssigner<T> => session<T>(true, () => positive('session gap', gapMs), `gap ${gapMs}`),
  withDynamicGap: <T>(gap: (value: T) => number): WindowAssigner<T> => session<T>(true, gap, 'dynamic gap'),
});

/**
 * Activity sessions in processing time.
 *
 * @example
 * keyed.window(ProcessingTimeSessionWindows.withGap(5_000)).count();
 */
export const ProcessingTimeSessionWindows = Object.freeze({
  withGap: <T = unknown>(gapMs: number): WindowAssigner<T> => session<T>(false, () => positive('session gap', gapMs), `gap ${gapMs}`),
  withDynamicGap: <T>(gap: (value: T) => number): WindowAssigner<T> => session<T>(false, gap, 'dynamic gap'),
});

/**
 * One window per key for all time. It never fires by itself: give it a trigger (count windows use this).
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(100)).count();
 */
export const GlobalWindows = Object.freeze({
  create: <T = unknown>(): WindowAssigner<T> => Object.freeze({
    kind: 'global' as const, isEventTime: true, isMerging: false, size: 0, slide: 0, offset: 0,
    assignWindows(_value: T, _ts: number, out: TimeWindow[]) {
      out.push(GLOBAL_WINDOW);
    },
    defaultTrigger: (): Trigger<T> => NeverTrigger.create<T>(),
    describe: () => 'GlobalWindows',
  }),
});
