import type { Collector } from '../../functions/collector.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type {
  KeyedProcessFunction, KeyedRuntimeContext, OnTimerContext, TimerService,
} from '../../functions/process-function.ts';
import type { Key } from '../../functions/key.ts';
import { KeyContext } from '../../state/key-context.ts';
import { KeyedStateStore } from '../../state/keyed-state-store.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import { KeyedTimers } from '../../time/keyed-timers.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, ProcessingTimeListener, WatermarkListener } from '../operator-capabilities.ts';
import { failedAt } from '../operator-error.ts';

/**
 * Runs a KeyedProcessFunction: sets the current key before each call, so state handles and timers
 * act on that key. One context object serves every record and timer.
 *
 * @example
 * new KeyedProcessOperator((e: Event) => e.user, fn, new HeapStateBackend());
 */
export class KeyedProcessOperator<I, O> implements Operator<I, O>, WatermarkListener, ProcessingTimeListener, LocalState, KeyedState, OnTimerContext<Key>, TimerService, Collector<O> {
  private out!: Output<O>;
  private ctx!: OperatorContext;
  private readonly keyCtx = new KeyContext();
  private readonly eventTimers = new KeyedTimers();
  private readonly procTimers = new KeyedTimers();
  private time = 0;
  private domain: 'event-time' | 'processing-time' = 'event-time';

  constructor(
    private readonly key: (value: I) => Key,
    private readonly fn: KeyedProcessFunction<Key, I, O>,
    readonly backend: KeyedStateBackend,
  ) {}

  open(ctx: OperatorContext, out: Output<O>): void {
    this.ctx = ctx;
    this.out = out;
    const store = new KeyedStateStore(this.backend, this.keyCtx, ctx.clock);
    const runtime: KeyedRuntimeContext = {
      operatorName: ctx.name,
      getState: (n, o) => store.getState(n, o),
      getListState: (n, o) => store.getListState(n, o),
      getMapState: (n, o) => store.getMapState(n, o),
      getReducingState: (n, r, o) => store.getReducingState(n, r, o),
      getAggregatingState: (n, a, o) => store.getAggregatingState(n, a, o),
    };
    this.fn.open?.(runtime);
    this.schedule(); // timers restored from a checkpoint
  }

  process(batch: Batch<I>): void {
    const values = batch.values;
    const times = batch.times;
    const key = this.key;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        const v = values[i];
        this.keyCtx.current = key(v);
        this.time = times[i];
        this.fn.processElement(v, this, this);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
    this.schedule();
  }

  onWatermark(wm: number): void {
    this.fire(this.eventTimers, wm, 'event-time');
    if (wm === Number.POSITIVE_INFINITY) this.onProcessingTime(Number.POSITIVE_INFINITY);
  }

  onProcessingTime(now: number): void {
    this.fire(this.procTimers, now, 'processing-time');
    this.schedule();
  }

  close(): void {
    this.fn.close?.();
    this.backend.close();
  }

  snapshot(): unknown {
    return { eventTimers: this.eventTimers.snapshot(), procTimers: this.procTimers.snapshot() };
  }

  restore(state: unknown): void {
    const s = state as { eventTimers: [Key, number][]; procTimers: [Key, number][] };
    this.eventTimers.restore(s.eventTimers);
    this.procTimers.restore(s.procTimers);
  }

  private fire(timers: KeyedTimers, upTo: number, domain: 'event-time' | 'processing-time'): void {
    const onTimer = this.fn.onTimer;
    if (onTimer === undefined) return;
    timers.fireUpTo(upTo, (key, time) => {
      this.keyCtx.current = key;
      this.time = time;
      this.domain = domain;
      onTimer.call(this.fn, time, this, this);
    });
    this.domain = 'event-time';
  }

  private schedule(): void {
    const next = this.procTimers.nextTime();
    if (next !== Number.POSITIVE_INFINITY) this.ctx.requestProcessingTime(next);
  }

  // --- contexts ----------------------------------------------------------------------------------

  collect(value: O): void {
    this.out.emit(value, this.time);
  }
  timestamp(): number {
    return this.time;
  }
  currentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  currentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.out.emitSide(tag, value, this.time);
  }
  getCurrentKey(): Key {
    return this.keyCtx.current;
  }
  timerService(): TimerService {
    return this;
  }
  timeDomain(): 'event-time' | 'processing-time' {
    return this.domain;
  }
  registerEventTimeTimer(time: number): void {
    this.eventTimers.register(this.keyCtx.current, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.procTimers.register(this.keyCtx.current, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.eventTimers.delete(this.keyCtx.current, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.procTimers.delete(this.keyCtx.current, time);
  }
}
