import type { KeyedStateBackend } from '../state/state-table.ts';
import type { Operator } from './operator.ts';
import type { AsyncWork } from './operators/async-work.ts';

/*
 * What an operator may do beyond the core lifecycle (open, process, close), each a small
 * interface it implements only if it needs it. The runtime checks for them here, once per
 * operator when its node is built, so the hot path reads a field instead of probing the operator.
 */

/** Woken when its input watermark moves. Map and filter do not implement it, so they never wake for watermarks. */
export interface WatermarkListener {
  onWatermark(watermark: number): void;
}

/** Called back at processing times it asks for (`OperatorContext.requestProcessingTime`). */
export interface ProcessingTimeListener {
  onProcessingTime(now: number): void;
}

/** Operator-local state that is not keyed (timers, panes, an async queue), checkpointed as structured-clonable data. */
export interface LocalState {
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** Keyed state in a backend: the runtime checkpoints it (its `StateCheckpointing` face); the operator uses only its tables (`StateStorage`). */
export interface KeyedState {
  /** Undefined for an operator that has no keyed state after all (a window operator on the heap may keep its own). */
  readonly backend: KeyedStateBackend | undefined;
}

/** I/O of its own (asyncMap): the runtime drains its results between rounds. */
export interface AsyncOperator {
  readonly async: AsyncWork;
}

/** Emits what it still holds once the input has ended (after the final watermark). */
export interface Finishing {
  finish(): void;
}

/** Called once the output of each `process` call has been handed on. */
export interface BatchListener {
  afterBatch(): void;
}

/**
 * Decides itself which watermarks pass: 'generate' replaces upstream watermarks with its own
 * (only the end of input, +Infinity, passes through: assignTimestampsAndWatermarks), 'hold'
 * passes every watermark on itself, +Infinity included (asyncMap, behind the records in flight).
 */
export interface WatermarkOwner {
  readonly watermarkPolicy: 'generate' | 'hold';
}

type AnyOperator = Operator<unknown, unknown>;

/** The capabilities of one operator, each the operator itself or null; what RuntimeNode keeps. */
export interface Capabilities {
  readonly watermarks: WatermarkListener | null;
  readonly processingTime: ProcessingTimeListener | null;
  readonly local: LocalState | null;
  readonly backend: KeyedStateBackend | null;
  readonly async: AsyncWork | null;
  readonly finishing: Finishing | null;
  readonly afterBatch: BatchListener | null;
  readonly watermarkPolicy: WatermarkOwner['watermarkPolicy'] | null;
}

/** What an operator can do beyond open, process and close. */
export function capabilitiesOf(op: AnyOperator | null): Capabilities {
  return {
    watermarks: op !== null && isWatermarkListener(op) ? op : null,
    processingTime: op !== null && isProcessingTimeListener(op) ? op : null,
    local: op !== null && hasLocalState(op) ? op : null,
    backend: op !== null && hasKeyedState(op) ? op.backend ?? null : null,
    async: op !== null && isAsyncOperator(op) ? op.async : null,
    finishing: op !== null && isFinishing(op) ? op : null,
    afterBatch: op !== null && isBatchListener(op) ? op : null,
    watermarkPolicy: op !== null && isWatermarkOwner(op) ? op.watermarkPolicy : null,
  };
}

export function isWatermarkListener(op: AnyOperator): op is AnyOperator & WatermarkListener {
  return typeof (op as Partial<WatermarkListener>).onWatermark === 'function';
}

export function isProcessingTimeListener(op: AnyOperator): op is AnyOperator & ProcessingTimeListener {
  return typeof (op as Partial<ProcessingTimeListener>).onProcessingTime === 'function';
}

export function hasLocalState(op: AnyOperator): op is AnyOperator & LocalState {
  const o = op as Partial<LocalState>;
  return typeof o.snapshot === 'function' && typeof o.restore === 'function';
}

export function hasKeyedState(op: AnyOperator): op is AnyOperator & KeyedState {
  return (op as Partial<KeyedState>).backend !== undefined;
}

export function isAsyncOperator(op: AnyOperator): op is AnyOperator & AsyncOperator {
  return (op as Partial<AsyncOperator>).async !== undefined;
}

export function isFinishing(op: AnyOperator): op is AnyOperator & Finishing {
  return typeof (op as Partial<Finishing>).finish === 'function';
}

export function isBatchListener(op: AnyOperator): op is AnyOperator & BatchListener {
  return typeof (op as Partial<BatchListener>).afterBatch === 'function';
}

export function isWatermarkOwner(op: AnyOperator): op is AnyOperator & WatermarkOwner {
  const p = (op as Partial<WatermarkOwner>).watermarkPolicy;
  return p === 'generate' || p === 'hold';
}
