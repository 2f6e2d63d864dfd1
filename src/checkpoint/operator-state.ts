import type { Key } from '../functions/key.ts';
import type { WindowState } from '../runtime/operators/window-state.ts';
import type { HeapStateBackend } from '../state/heap-state-backend.ts';
import type { OperatorEntry } from './manifest.ts';

/** The table in which a window operator on an on-disk backend keeps window contents, by slot. */
const WINDOW_CONTENTS = 'window-contents';
/** The table of an aligned window operator's pane on an on-disk backend. */
const paneTable = (start: number) => `pane:${start}`;

/**
 * What an operator's local state file holds, told without its keyed state: windows and their
 * extent, panes, timers, records in flight. Decoded from the shapes the operators snapshot.
 *
 * @example
 * const l: LocalSummary = { kind: 'timers', eventTimers: 3, processingTimers: 0 };
 */
export type LocalSummary =
  | { readonly kind: 'windows'; readonly windows: number; readonly keys: number; readonly records: number | null; readonly from: number; readonly to: number; readonly timers: number; readonly contentsInKeyedState: boolean }
  | { readonly kind: 'panes'; readonly panes: number; readonly keys: number | null; readonly accumulators: number | null; readonly firstStart: number; readonly lastStart: number; readonly firedUpTo: number; readonly contentsInKeyedState: boolean }
  | { readonly kind: 'timers'; readonly eventTimers: number; readonly processingTimers: number }
  | { readonly kind: 'in-flight'; readonly records: number }
  | { readonly kind: 'broadcast'; readonly states: readonly { readonly name: string; readonly entries: number }[]; readonly timers: number }
  | { readonly kind: 'other' };

interface WindowSnapshot { windows: WindowState[]; et: unknown[]; pt: unknown[] }
interface PaneSnapshot { firedUpTo: number | null; panes?: [number, [Key, unknown][]][]; starts?: number[] }
interface TimerSnapshot { eventTimers?: unknown[]; procTimers?: unknown[]; timers?: unknown[] }

const isWindows = (s: unknown): s is WindowSnapshot => typeof s === 'object' && s !== null && Array.isArray((s as WindowSnapshot).windows);
const isPanes = (s: unknown): s is PaneSnapshot => typeof s === 'object' && s !== null && 'firedUpTo' in s;

/**
 * What a local state file holds, in numbers (see `LocalSummary`).
 *
 * @example
 * summarizeLocal(decodeState(await storage.readFile(entry.local!))); // { kind: 'windows', windows: 200, ... }
 */
export function summarizeLocal(state: unknown): LocalSummary {
  if (isWindows(state)) {
    const keys = new Set<Key>();
    let records: number | null = 0;
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    let inBackend = false;
    for (const w of state.windows) {
      keys.add(w.key);
      from = Math.min(from, w.window.start);
      to = Math.max(to, w.window.end);
      if (w.slot >= 0) inBackend = true;
      if (records !== null && w.elements !== null) records += w.elements.length;
      else if (w.slot < 0 && w.elements === null) records = null; // an accumulator: the count is not kept
    }
    return {
      kind: 'windows', windows: state.windows.length, keys: keys.size, records: inBackend ? null : records, from, to,
      timers: state.et.length + state.pt.length, contentsInKeyedState: inBackend,
    };
  }
  if (isPanes(state)) {
    const starts = state.panes?.map(([s]) => s) ?? state.starts ?? [];
    let keys: number | null = null;
    let accumulators: number | null = null;
    if (state.panes !== undefined) {
      const all = new Set<Key>();
      accumulators = 0;
      for (const [, entries] of state.panes) {
        accumulators += entries.length;
        for (const [k] of entries) all.add(k);
      }
      keys = all.size;
    }
    return {
      kind: 'panes', panes: starts.length, keys, accumulators, firstStart: starts[0] ?? Number.NaN, lastStart: starts[starts.length - 1] ?? Number.NaN,
      firedUpTo: state.firedUpTo ?? Number.NEGATIVE_INFINITY, contentsInKeyedState: state.panes === undefined,
    };
  }
  if (typeof state === 'object' && state !== null) {
    const s = state as TimerSnapshot & { items?: unknown[]; broadcast?: [string, unknown[]][]; keyed?: TimerSnapshot };
    if (Array.isArray(s.items)) return { kind: 'in-flight', records: s.items.filter((i) => typeof i === 'object' && i !== null && !('w' in i)).length };
    if (Array.isArray(s.broadcast)) {
      const inner = s.keyed ?? {};
      return { kind: 'broadcast', states: s.broadcast.map(([name, entries]) => ({ name, entries: entries.length })), timers: (inner.eventTimers?.length ?? 0) + (inner.procTimers?.length ?? 0) };
    }
    if (Array.isArray(s.eventTimers) || Array.isArray(s.timers)) {
      return { kind: 'timers', eventTimers: (s.eventTimers ?? s.timers ?? []).length, processingTimers: s.procTimers?.length ?? 0 };
    }
  }
  return { kind: 'other' };
}

/**
 * One window or pane of a window operator with what it holds: an accumulator, the records
 * themselves (process windows, evictors), or a pane's accumulator of one key.
 *
 * @example
 * const w: WindowContents = { key: '/a', start: 0, end: 60_000, pane: false, value: 12, records: null };
 */
export interface WindowContents {
  readonly key: Key;
  readonly start: number;
  /** The window's end; for a pane, the next pane's start (NaN when it is the last one and the size is not known). */
  readonly end: number;
  /** A pane of aligned windows (a slice shared by the windows that cover it), not a window. */
  readonly pane: boolean;
  /** The accumulator (null when the window keeps its records instead). */
  readonly value: unknown;
  /** The records, for windows that keep them (null otherwise). */
  readonly records: readonly unknown[] | null;
}

/**
 * Every window (or pane) of a window operator's state with its contents, ordered by start, then
 * key. Contents kept in keyed state (an on-disk backend) are read from `keyed`.
 *
 * @example
 * for (const w of windowContents(local, keyed)) console.log(w.key, w.start, w.value);
 */
export function windowContents(local: unknown, keyed: HeapStateBackend | null): WindowContents[] {
  const out: WindowContents[] = [];
  if (isWindows(local)) {
    const table = keyed?.tableNames().includes(WINDOW_CONTENTS) ? keyed.table<unknown>(WINDOW_CONTENTS) : null;
    for (const w of local.windows) {
      let value = w.acc;
      let records = w.elements;
      if (w.slot >= 0 && table !== null) {
        const c = table.get(w.slot);
        if (w.elements === null && isRecords(c)) records = c[0];
        else value = c;
      }
      out.push({ key: w.key, start: w.window.start, end: w.window.end, pane: false, value: records === null ? value : null, records });
    }
  } else if (isPanes(local)) {
    const panes: [number, Iterable<[Key, unknown]>][] = local.panes
      ?? (local.starts ?? []).map((s): [number, Iterable<[Key, unknown]>] => [s, keyed?.tableNames().includes(paneTable(s)) ? keyed.table<unknown>(paneTable(s)).entries() : []]);
    const starts = panes.map(([s]) => s);
    const size = paneSize(starts);
    panes.forEach(([start, entries], i) => {
      const end = i + 1 < starts.length && starts[i + 1] - start === size ? starts[i + 1] : start + size;
      for (const [key, value] of entries) out.push({ key, start, end, pane: true, value, records: null });
    });
  }
  return out.sort((a, b) => a.start - b.start || compareKeys(a.key, b.key));
}

/** Kept records are stored as [records, timestamps] (an accumulator of that very shape is unlikely). */
function isRecords(c: unknown): c is [unknown[], number[]] {
  return Array.isArray(c) && c.length === 2 && Array.isArray(c[0]) && Array.isArray(c[1]) && c[0].length === c[1].length
    && (c[1] as unknown[]).every((t) => typeof t === 'number');
}

/** The pane size: the gcd of the gaps between pane starts (NaN with fewer than two panes). */
function paneSize(starts: readonly number[]): number {
  let g = Number.NaN;
  for (let i = 1; i < starts.length; i++) {
    const d = starts[i] - starts[i - 1];
    g = Number.isNaN(g) ? d : gcd(g, d);
  }
  return g;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function compareKeys(a: Key, b: Key): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The bytes an operator's state files take in a checkpoint: its local file and its keyed chain
 * (full snapshot and deltas).
 *
 * @example
 * fileBytes(entry); // { local: 1_303_506, keyed: 0 }
 */
export function fileBytes(entry: Pick<OperatorEntry, 'local' | 'keyed'>): { readonly local: number; readonly keyed: number } {
  return { local: entry.local?.bytes ?? 0, keyed: entry.keyed.reduce((n, f) => n + f.bytes, 0) };
}
