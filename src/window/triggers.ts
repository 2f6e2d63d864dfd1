import { maxTimestamp, type TimeWindow } from './time-window.ts';
import { type Trigger, type TriggerContext, TriggerResult } from './trigger.ts';

/**
 * Fires when the watermark passes the window's end (the default for event-time windows). An element
 * that arrives after that, within the allowed lateness, fires the window again at once.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).trigger(EventTimeTrigger.create());
 */
export const EventTimeTrigger = Object.freeze({
  create<T>(): Trigger<T> {
    return {
      isDefaultEventTime: true,
      onElement(_v, _ts, w, ctx) {
        if (maxTimestamp(w) <= ctx.currentWatermark) return TriggerResult.FIRE;
        ctx.registerEventTimeTimer(maxTimestamp(w));
        return TriggerResult.CONTINUE;
      },
      onEventTime: (time, w) => (time === maxTimestamp(w) ? TriggerResult.FIRE : TriggerResult.CONTINUE),
      onProcessingTime: () => TriggerResult.CONTINUE,
      onMerge(w, ctx) {
        if (maxTimestamp(w) > ctx.currentWatermark) ctx.registerEventTimeTimer(maxTimestamp(w));
      },
      clear(w, ctx) {
        ctx.deleteEventTimeTimer(maxTimestamp(w));
      },
      describe: () => 'EventTimeTrigger',
    };
  },
});

/**
 * Fires when processing time passes the window's end (the default for processing-time windows).
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(10_000)).trigger(ProcessingTimeTrigger.create());
 */
export const ProcessingTimeTrigger = Object.freeze({
  create<T>(): Trigger<T> {
    return {
      onElement(_v, _ts, w, ctx) {
        ctx.registerProcessingTimeTimer(maxTimestamp(w));
        return TriggerResult.CONTINUE;
      },
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: (time, w) => (time >= maxTimestamp(w) ? TriggerResult.FIRE : TriggerResult.CONTINUE),
      onMerge(w, ctx) {
        ctx.registerProcessingTimeTimer(maxTimestamp(w));
      },
      clear(w, ctx) {
        ctx.deleteProcessingTimeTimer(maxTimestamp(w));
      },
      describe: () => 'ProcessingTimeTrigger',
    };
  },
});

/**
 * Fires every `count` elements in a window (the count restarts after each firing).
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(100));
 */
export const CountTrigger = Object.freeze({
  of<T>(count: number): Trigger<T> {
    if (!Number.isInteger(count) || count < 1) throw new Error(`CountTrigger.of(count): count must be an integer >= 1, got ${count}`);
    return {
      onElement(_v, _ts, _w, ctx) {
        const n = (ctx.getState<number>() ?? 0) + 1;
        if (n >= count) {
          ctx.setState(0);
          return TriggerResult.FIRE;
        }
        ctx.setState(n);
        return TriggerResult.CONTINUE;
      },
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      onMerge(_w, ctx) {
        let n = 0;
        for (const s of ctx.mergedStates) n += (s as number | undefined) ?? 0;
        ctx.setState(n);
      },
      clear(_w, ctx) {
        ctx.setState(undefined);
      },
      describe: () => `CountTrigger(${count})`,
    };
  },
});

function continuous<T>(intervalMs: number, domain: 'event' | 'processing'): Trigger<T> {
  if (!(intervalMs > 0)) throw new Error(`continuous trigger interval must be > 0 ms, got ${intervalMs}`);
  const register = (ctx: TriggerContext, t: number) =>
    domain === 'event' ? ctx.registerEventTimeTimer(t) : ctx.registerProcessingTimeTimer(t);
  // The next firing time is kept in the trigger state so that it can be deleted on clear.
  const schedule = (now: number, w: TimeWindow, ctx: TriggerContext) => {
    const next = Math.min(now - (((now % intervalMs) + intervalMs) % intervalMs) + intervalMs, maxTimestamp(w));
    ctx.setState(next);
    register(ctx, next);
  };
  const onTime = (time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult => {
    if (domain === 'event' && time === maxTimestamp(w)) return TriggerResult.FIRE;
    if (ctx.getState<number>() !== time) return TriggerResult.CONTINUE;
    if (time < maxTimestamp(w)) schedule(time, w, ctx);
    else ctx.setState(undefined);
    return TriggerResult.FIRE;
  };
  return {
    onElement(_v, ts, w, ctx) {
      if (domain === 'event') {
        if (maxTimestamp(w) <= ctx.currentWatermark) return TriggerResult.FIRE;
        ctx.registerEventTimeTimer(maxTimestamp(w));
      }
      if (ctx.getState<number>() === undefined) schedule(domain === 'event' ? ts : ctx.currentProcessingTime, w, ctx);
      return TriggerResult.CONTINUE;
    },
    onEventTime: (time, w, ctx) => (domain === 'event' ? onTime(time, w, ctx) : TriggerResult.CONTINUE),
    onProcessingTime: (time, w, ctx) => (domain === 'processing' ? onTime(time, w, ctx) : TriggerResult.CONTINUE),
    onMerge(w, ctx) {
      if (domain === 'event' && maxTimestamp(w) > ctx.currentWatermark) ctx.registerEventTimeTimer(maxTimestamp(w));
      let next = Number.POSITIVE_INFINITY;
      for (const s of ctx.mergedStates) if (typeof s === 'number' && s < next) next = s;
      if (next !== Number.POSITIVE_INFINITY) {
        ctx.setState(next);
        register(ctx, next);
      }
    },
    clear(w, ctx) {
      const next = ctx.getState<number>();
      if (next !== undefined) {
        if (domain === 'event') ctx.deleteEventTimeTimer(next);
        else ctx.deleteProcessingTimeTimer(next);
      }
      if (domain === 'event') ctx.deleteEventTimeTimer(maxTimestamp(w));
      ctx.setState(undefined);
    },
    describe: () => `Continuous${domain === 'event' ? 'EventTime' : 'ProcessingTime'}Trigger(${intervalMs})`,
  };
}

/**
 * Early results: fires every `intervalMs` of event time while the window is open, and at its end.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(3_600_000)).trigger(ContinuousEventTimeTrigger.of(60_000));
 */
export const ContinuousEventTimeTrigger = Object.freeze({
  of: <T>(intervalMs: number): Trigger<T> => continuous<T>(intervalMs, 'event'),
});

/**
 * Early results: fires every `intervalMs` of processing time while the window holds data.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(ContinuousProcessingTimeTrigger.of(5_000));
 */
export const ContinuousProcessingTimeTrigger = Object.freeze({
  of: <T>(intervalMs: number): Trigger<T> => continuous<T>(intervalMs, 'processing'),
});

/**
 * Turns every FIRE of the wrapped trigger into FIRE_AND_PURGE, so each firing starts afresh.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(10)));
 */
export const PurgingTrigger = Object.freeze({
  of<T>(inner: Trigger<T>): Trigger<T> {
    const purge = (r: TriggerResult): TriggerResult => (r & TriggerResult.FIRE ? TriggerResult.FIRE_AND_PURGE : r);
    return {
      onElement: (v, ts, w, ctx) => purge(inner.onElement(v, ts, w, ctx)),
      onEventTime: (t, w, ctx) => purge(inner.onEventTime(t, w, ctx)),
      onProcessingTime: (t, w, ctx) => purge(inner.onProcessingTime(t, w, ctx)),
      onMerge: inner.onMerge ? (w, ctx) => inner.onMerge!(w, ctx) : undefined,
      clear: (w, ctx) => inner.clear(w, ctx),
      describe: () => `PurgingTrigger(${inner.describe()})`,
    };
  },
});

/**
 * Never fires by itself; for GlobalWindows whose results come from a trigger you set.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(NeverTrigger.create()); // fires only at +infinity via timers you set
 */
export const NeverTrigger = Object.freeze({
  create<T>(): Trigger<T> {
    return {
      onElement: () => TriggerResult.CONTINUE,
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: () => {},
      describe: () => 'NeverTrigger',
    };
  },
});
