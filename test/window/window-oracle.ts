/**
 * A brute-force model of Eddy's (Flink's) window semantics, for property tests: a direct
 * simulation with one list of live windows, no panes and no timer heap. It says, for every step
 * of a test (a push, a watermark, a clock move, the end of input), which windows fire with which
 * elements and which records are late. What a firing emits (count, sum, ...) is left to the test.
 *
 * The rules, as Flink's WindowOperator has them:
 * - Watermark W: no more records with ts <= W. A window [start, end) has maxTimestamp end - 1 and,
 *   with the event-time trigger, fires when W >= end - 1.
 * - A window is late when end - 1 + allowedLateness <= W. A record all of whose windows are late
 *   (vacuously so if it has none) is late; otherwise it joins its windows that are not late, and a
 *   joined window whose end - 1 <= W fires again at once with everything it holds.
 * - A window is dropped when W >= end - 1 + allowedLateness. The end of input is W = +Infinity.
 * - Sessions [ts, ts + gap) merge with every window of the key they overlap or touch; lateness is
 *   judged on the merged window.
 * - Processing-time windows use the clock at the push, fire when the clock reaches end - 1 (at
 *   the push itself when it is there already, as the step loop fires due timers at the end of
 *   every round), are never late, and all fire at the end of input.
 * - Count windows (GlobalWindows + CountTrigger): every `slide` elements of a key, the last
 *   `size` of them (tumbling: slide = size, and the window starts afresh). Partial ones never fire.
 *
 * @example
 * const steps = runOracle(spec, [{ op: 'push', rec }, { op: 'end' }]);
 * steps[1].fired; // [{ key: 'a', start: 0, end: 10, elements: [rec], time: 9 }]
 */

/** A test record: a key, an event timestamp, a small integer value and a unique id. */
export interface Rec {
  readonly k: string;
  readonly ts: number;
  readonly v: number;
  readonly id: number;
}

/** One call on the test driver. */
export type Op =
  | { readonly op: 'push'; readonly rec: Rec }
  | { readonly op: 'watermark'; readonly to: number }
  | { readonly op: 'clock'; readonly by: number }
  | { readonly op: 'end' };

export type AssignerSpec =
  | { readonly type: 'tumbling' | 'sliding'; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly type: 'session'; readonly gap: (r: Rec) => number }
  | { readonly type: 'count'; readonly size: number; readonly slide: number };

export interface OracleSpec {
  readonly assigner: AssignerSpec;
  readonly time: 'event' | 'processing';
  readonly allowedLateness: number;
  /** The source's WatermarkStrategy.forBoundedOutOfOrderness(d): W = max ts - d - 1 after each push. */
  readonly outOfOrderness: number;
  /** Interval of a ContinuousEventTimeTrigger (aligned event-time windows only), or null. */
  readonly continuous: number | null;
}

/** One firing of one window of one key, with everything the window holds. */
export interface Firing {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly elements: readonly Rec[];
  /** The output timestamp, end - 1 (null for count windows, whose output time is not checked). */
  readonly time: number | null;
}

/** What one step produced. `windows` is how many (key, window) states are alive after it. */
export interface StepResult {
  readonly fired: Firing[];
  readonly late: Rec[];
  readonly windows: number;
}

interface Win {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly elements: Rec[];
  /** The next early firing of a continuous trigger (null: none scheduled). */
  nextEarly: number | null;
}

/** Runs the model over `ops` and says what each step produced. */
export function runOracle(spec: OracleSpec, ops: readonly Op[]): StepResult[] {
  const L = spec.allowedLateness;
  const a = spec.assigner;
  let wm = Number.NEGATIVE_INFINITY;
  let maxSeen = Number.NEGATIVE_INFINITY;
  let now = 0;
  let windows: Win[] = [];
  const counts = new Map<string, { all: Rec[]; since: number }>();
  const results: StepResult[] = [];
  let fired: Firing[] = [];
  let late: Rec[] = [];

  const fire = (w: Win) => {
    fired.push({ key: w.key, start: w.start, end: w.end, elements: [...w.elements], time: w.end - 1 });
  };

  /** Event time moves to `to`: due windows fire (early firings of a continuous trigger too), expired ones go. */
  const advance = (to: number) => {
    if (to <= wm) return;
    const from = wm;
    wm = to;
    for (const w of windows) {
      const last = w.end - 1;
      const I = spec.continuous;
      if (I !== null) {
        while (w.nextEarly !== null && w.nextEarly <= to && w.nextEarly < last) {
          fire(w);
          w.nextEarly = Math.min(w.nextEarly + I, last);
        }
      }
      if (from < last && last <= to) fire(w);
    }
    windows = windows.filter((w) => w.end - 1 + L > to);
  };

  /** Windows of an aligned assigner that contain t, found by trying every start near t. */
  const alignedWindows = (t: number, size: number, slide: number, offset: number) => {
    const out: { start: number; end: number }[] = [];
    const first = Math.floor((t - size - offset) / slide) - 1;
    const last = Math.floor((t - offset) / slide) + 1;
    for (let k = first; k <= last; k++) {
      const start = offset + k * slide;
      if (start <= t && t < start + size) out.push({ start, end: start + size });
    }
    return out;
  };

  const isLate = (end: number) => spec.time === 'event' && end - 1 + L <= wm;

  const add = (key: string, start: number, end: number, rec: Rec, t: number, prior: Rec[] = []) => {
    let w = windows.find((x) => x.key === key && x.start === start && x.end === end);
    if (w === undefined) {
      w = { key, start, end, elements: [...prior], nextEarly: null };
      windows.push(w);
    }
    w.elements.push(rec);
    if (spec.time === 'processing') {
      // The clock may already be at end - 1 (a window of 1 ms): it fires at the end of the push's round.
      if (end - 1 <= now) {
        fire(w);
        windows = windows.filter((x) => x !== w);
      }
      return;
    }
    if (end - 1 <= wm) {
      fire(w);
    } else if (spec.continuous !== null && w.nextEarly === null) {
      w.nextEarly = Math.min(Math.floor(t / spec.continuous) * spec.continuous + spec.continuous, end - 1);
    }
  };

  const push = (rec: Rec) => {
    const t = spec.time === 'event' ? rec.ts : now;
    if (a.type === 'count') {
      let c = counts.get(rec.k);
      if (c === undefined) {
        c = { all: [], since: 0 };
        counts.set(rec.k, c);
      }
      c.all.push(rec);
      c.since++;
      if (c.since === a.slide) {
        c.all = c.all.slice(-a.size);
        c.since = 0;
        fired.push({ key: rec.k, start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, elements: [...c.all], time: null });
        if (a.slide === a.size) c.all = [];
      }
    } else if (a.type === 'session') {
      let start = t;
      let end = t + a.gap(rec);
      const touching = windows.filter((w) => w.key === rec.k && w.start <= end && start <= w.end);
      for (const w of touching) {
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
      if (isLate(end)) {
        late.push(rec);
      } else {
        windows = windows.filter((w) => !touching.includes(w));
        add(rec.k, start, end, rec, t, touching.flatMap((w) => w.elements));
      }
    } else {
      const mine = alignedWindows(t, a.size, a.slide, a.offset).filter((w) => !isLate(w.end));
      if (mine.length === 0) late.push(rec);
      for (const w of mine) add(rec.k, w.start, w.end, rec, t);
    }
    if (spec.time === 'event') {
      maxSeen = Math.max(maxSeen, rec.ts);
      advance(maxSeen - spec.outOfOrderness - 1);
    }
  };

  for (const op of ops) {
    fired = [];
    late = [];
    switch (op.op) {
      case 'push':
        push(op.rec);
        break;
      case 'watermark':
        if (spec.time === 'event') advance(op.to);
        break;
      case 'clock':
        now += op.by;
        if (spec.time === 'processing') {
          for (const w of windows) if (w.end - 1 <= now) fire(w);
          windows = windows.filter((w) => w.end - 1 > now);
        }
        break;
      case 'end':
        if (spec.time === 'event') {
          advance(Number.POSITIVE_INFINITY);
        } else {
          for (const w of windows) fire(w);
          windows = [];
        }
        break;
    }
    results.push({ fired, late, windows: windows.length });
  }
  return results;
}
