import type {
  BroadcastContext, BroadcastStateDescriptor, KeyedBroadcastProcessFunction, ReadOnlyBroadcastOnTimerContext,
} from '../../functions/broadcast-process-function.ts';
import type { Collector } from '../../functions/collector.ts';
import type { OutputTag } from '../../functions/output-tag.ts';
import type { KeyedProcessFunction, OnTimerContext, TimerService } from '../../functions/process-function.ts';
import type { Key } from '../../functions/key.ts';
import type { KeyedStateBackend } from '../../state/state-table.ts';
import type { Batch } from '../batch.ts';
import type { Operator, OperatorContext, Output } from '../operator.ts';
import type { KeyedState, LocalState, ProcessingTimeListener, WatermarkListener } from '../operator-capabilities.ts';
import { BroadcastView, ReadOnlyBroadcastView } from './broadcast-state-view.ts';
import { KeyedProcessOperator } from './keyed-process-operator.ts';
import { failedAt } from '../operator-error.ts';

type AnyFn = KeyedBroadcastProcessFunction<Key, unknown, unknown, unknown>;

/**
 * Runs a KeyedBroadcastProcessFunction: input 0 is the keyed stream (handled by a keyed process
 * operator, so keyed state and timers behave exactly as in `process`), input 1 the broadcast stream.
 * Broadcast state is operator state (one copy, not per key), checkpointed with `snapshot()`.
 *
 * @example
 * new BroadcastProcessOperator((r: Reading) => r.sensor, fn, new HeapStateBackend());
 */
export class BroadcastProcessOperator implements Operator<unknown, unknown>, WatermarkListener, ProcessingTimeListener, LocalState, KeyedState, BroadcastContext, Collector<unknown> {
  private readonly inner: KeyedProcessOperator<unknown, unknown>;
  private readonly states = new Map<string, Map<unknown, unknown>>();
  private readonly writable = new Map<string, BroadcastView<unknown, unknown>>();
  private readonly readable = new Map<string, ReadOnlyBroadcastView<unknown, unknown>>();
  private ctx!: OperatorContext;
  private out!: Output<unknown>;
  private time = 0;

  constructor(key: (value: unknown) => Key, private readonly fn: AnyFn, readonly backend: KeyedStateBackend) {
    // One context object serves every keyed call: it adds read-only broadcast state to the keyed one.
    const keyedCtx = new KeyedSideContext(() => this.inner, (name) => this.readOnlyView(name));
    const adapter: KeyedProcessFunction<Key, unknown, unknown> = {
      open: (rt) => fn.open?.(rt),
      processElement: (v, _ctx, out) => fn.processElement(v, keyedCtx, out),
      close: () => fn.close?.(),
    };
    if (fn.onTimer !== undefined) adapter.onTimer = (ts, _ctx, out) => fn.onTimer!(ts, keyedCtx, out);
    this.inner = new KeyedProcessOperator(key, adapter, backend);
  }

  open(ctx: OperatorContext, out: Output<unknown>): void {
    this.ctx = ctx;
    this.out = out;
    this.inner.open(ctx, out);
  }

  process(batch: Batch<unknown>, input: number): void {
    if (input === 0) {
      this.inner.process(batch);
      return;
    }
    const { values, times } = batch;
    let i = 0;
    try {
      for (const n = batch.length; i < n; i++) {
        this.time = times[i];
        this.fn.processBroadcastElement(values[i], this, this);
      }
    } catch (e) {
      throw failedAt(e, batch, i);
    }
  }

  onWatermark(wm: number): void {
    this.inner.onWatermark(wm);
  }

  onProcessingTime(now: number): void {
    this.inner.onProcessingTime(now);
  }

  snapshot(): unknown {
    return { keyed: this.inner.snapshot(), broadcast: [...this.states].map(([name, m]) => [name, [...m]]) };
  }

  restore(state: unknown): void {
    const s = state as { keyed: unknown; broadcast: [string, [unknown, unknown][]][] };
    this.inner.restore(s.keyed);
    for (const m of this.states.values()) m.clear();
    for (const [name, entries] of s.broadcast) {
      const m = this.mapOf(name);
      for (const [k, v] of entries) m.set(k, v);
    }
  }

  close(): void {
    this.inner.close();
  }

  private mapOf(name: string): Map<unknown, unknown> {
    let m = this.states.get(name);
    if (m === undefined) this.states.set(name, (m = new Map()));
    return m;
  }

  private readOnlyView(name: string): ReadOnlyBroadcastView<unknown, unknown> {
    let v = this.readable.get(name);
    if (v === undefined) this.readable.set(name, (v = new ReadOnlyBroadcastView(this.mapOf(name))));
    return v;
  }

  // --- the broadcast side's context and collector ------------------------------------------------

  getBroadcastState<BK, BV>(descriptor: BroadcastStateDescriptor<BK, BV>): BroadcastView<BK, BV> {
    let v = this.writable.get(descriptor.name);
    if (v === undefined) this.writable.set(descriptor.name, (v = new BroadcastView(this.mapOf(descriptor.name))));
    return v as BroadcastView<BK, BV>;
  }
  collect(value: unknown): void {
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
}

/** The keyed side's context: the keyed process operator's, plus read-only broadcast state. */
class KeyedSideContext implements ReadOnlyBroadcastOnTimerContext<Key> {
  constructor(
    private readonly inner: () => OnTimerContext<Key>,
    private readonly view: (name: string) => ReadOnlyBroadcastView<unknown, unknown>,
  ) {}
  getBroadcastState<BK, BV>(descriptor: BroadcastStateDescriptor<BK, BV>): ReadOnlyBroadcastView<BK, BV> {
    return this.view(descriptor.name) as ReadOnlyBroadcastView<BK, BV>;
  }
  timeDomain(): 'event-time' | 'processing-time' {
    return this.inner().timeDomain();
  }
  getCurrentKey(): Key {
    return this.inner().getCurrentKey();
  }
  timerService(): TimerService {
    return this.inner().timerService();
  }
  timestamp(): number {
    return this.inner().timestamp();
  }
  currentWatermark(): number {
    return this.inner().currentWatermark();
  }
  currentProcessingTime(): number {
    return this.inner().currentProcessingTime();
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.inner().output(tag, value);
  }
}
