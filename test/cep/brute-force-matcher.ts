/*
 * A brute-force matcher written from Flink CEP's documented semantics, independent of the NFA:
 * it enumerates every assignment of a key's events to the stages of a pattern and keeps those that
 * satisfy the rules below. The oracle tests check Eddy's operator against it.
 *
 * Events are a key's events in processing order: sorted by timestamp, arrival order among equal ones.
 * A match gives each positive stage a list of events (within its quantifier's bounds; empty for a
 * skipped optional stage), strictly increasing across stages, and:
 *  - every event of a stage satisfies its condition, and not its `until` condition;
 *  - between two events taken one after the other, the events skipped must be skippable by the
 *    stage of the later one: its contiguity with the stage before when it is the stage's first
 *    event (next: none; followedBy: only events that do not satisfy its condition; followedByAny:
 *    any), its inner contiguity otherwise (consecutive / default relaxed / allowCombinations; an
 *    `until` event is never skipped inside a loop); the match's first event has no event before it;
 *  - notNext(n) after stage s: the event right after s's last event exists and does not satisfy n,
 *    nor does the event right after any earlier event of s taken once s had its minimum count
 *    (at the end of the pattern the match completes with that event); when the stages after it are
 *    optional and take nothing, the match completes as s's last event is taken, and it is that
 *    event the negation tests (Flink evaluates the PROCEED edges past it on the event in hand);
 *  - notFollowedBy(n) between stage s and the next stage: no event satisfying n comes after s's
 *    first event and before the next stage's first event (or s's last, when the stages after it
 *    are optional and took nothing: the match then completes with s); at the end of the pattern: none comes
 *    after s's first event within the window (first event time + within), and the match completes
 *    when the window ends; when the last stage loops or may take more events, some event must come
 *    after its last one within the window (it is that event that moves the match to waiting for the
 *    absence);
 *  - within(w): last event time - first event time < w.
 * With a skip strategy, matches come in order of their first event; each emitted match drops the
 * other matches that started too early (skipToNext: at its first event; skipPastLastEvent: at or
 * before its last event; skipToFirst/Last(s): before the first/last event of s). A match waits
 * while a partial match that started earlier may still complete, so without a window some may
 * never come out.
 */

export interface OracleEvent {
  readonly id: string;
  readonly kind: string;
  readonly ts: number;
}

export type Contiguity = 'strict' | 'relaxed' | 'any';

export interface OracleStage {
  readonly name: string;
  readonly kinds: readonly string[];
  readonly consuming: Contiguity;
  readonly min: number;
  /** Infinity for a looping stage. */
  readonly max: number;
  readonly optional: boolean;
  readonly inner: Contiguity;
  readonly until: string | null;
}

export interface OracleNegation {
  readonly type: 'not-next' | 'not-followed-by';
  readonly kinds: readonly string[];
  /** Index of the positive stage it follows. */
  readonly after: number;
}

export interface OraclePattern {
  readonly stages: readonly OracleStage[];
  readonly negations: readonly OracleNegation[];
  readonly within: number | null;
}

/** A match: per positive stage, the indices of its events. */
export type Assignment = readonly (readonly number[])[];

/** Every match of the pattern over a key's events (in processing order). */
export function allMatches(p: OraclePattern, events: readonly OracleEvent[]): Assignment[] {
  const out: Assignment[] = [];
  const n = events.length;
  const taken: number[][] = p.stages.map(() => []);
  const has = (kinds: readonly string[], e: OracleEvent) => kinds.includes(e.kind);

  const skippable = (from: number, to: number, stage: OracleStage, first: boolean): boolean => {
    const rule = first ? stage.consuming : stage.inner;
    for (let i = from + 1; i < to; i++) {
      const e = events[i];
      if (!first && stage.until !== null && e.kind === stage.until) return false;
      if (rule === 'strict') return false;
      if (rule === 'relaxed' && has(stage.kinds, e)) return false;
    }
    return true;
  };

  const complete = (): void => {
    const all = taken.flat();
    if (all.length === 0) return;
    const first = all[0];
    const last = all[all.length - 1];
    const t0 = events[first].ts;
    if (p.within !== null && events[last].ts - t0 >= p.within) return;
    // notFollowedBy(n) after stage s: no n among the events s skips between its own events (a
    // times(from, to) stage, once it has `from`, checks only the first event it skips: its optional
    // states skip through a twin state that does not carry the negation).
    const insideClean = (neg: OracleNegation): boolean => {
      const st = p.stages[neg.after];
      const s = taken[neg.after];
      const range = st.max !== Number.POSITIVE_INFINITY && st.max > st.min;
      for (let c = 1; c < s.length; c++) {
        const end = range && c >= st.min ? Math.min(s[c], s[c - 1] + 2) : s[c];
        for (let i = s[c - 1] + 1; i < end; i++) if (has(neg.kinds, events[i])) return false;
      }
      return true;
    };
    for (const neg of p.negations) {
      const s = taken[neg.after];
      if (neg.type === 'not-followed-by' && s.length > 0 && !insideClean(neg)) return;
      if (s.length === 0) return;
      const sLast = s[s.length - 1];
      const next = taken.slice(neg.after + 1).flat();
      const later = neg.after + 1 < p.stages.length;
      if (neg.type === 'not-next') {
        // Once s has taken enough events, the event right after each further one is tested too:
        // the branch may move on there, and a negation that fires ends the whole branch.
        const min = p.stages[neg.after].min;
        for (let j = Math.max(0, min - 1); j < s.length - 1; j++) if (s[j] + 1 < n && has(neg.kinds, events[s[j] + 1])) return;
      }
      if (next.length === 0 && later) {
        // The stages after the negation are optional and took nothing: the match completes as s's
        // last event is taken, through the optional stages' PROCEED edges, which test that event;
        // a notFollowedBy still ends a looping s whose events it comes between.
        if (neg.type === 'not-next' && has(neg.kinds, events[sLast])) return;
        continue;
      }
      if (neg.type === 'not-next') {
        const r = sLast + 1;
        if (r >= n || has(neg.kinds, events[r])) return;
        if (!later && p.within !== null && events[r].ts - t0 >= p.within) return;
      } else if (next.length > 0) {
        for (let i = sLast + 1; i < next[0]; i++) if (has(neg.kinds, events[i])) return;
        // Inside a times(from, to) stage right after it, once `from` events are taken, the events
        // the stage skips on its way to an optional further one are checked against n too, all but
        // the first (Flink's optional states skip through a twin state that carries the negation).
        const t = p.stages[neg.after + 1];
        const tt = taken[neg.after + 1];
        if (t.max !== Number.POSITIVE_INFINITY && t.max > t.min) {
          for (let k = t.min; k < tt.length; k++) for (let i = tt[k - 1] + 2; i < tt[k]; i++) if (has(neg.kinds, events[i])) return;
        }
      } else {
        const w = p.within!;
        for (let i = sLast + 1; i < n && events[i].ts < t0 + w; i++) if (has(neg.kinds, events[i])) return;
        const stage = p.stages[neg.after];
        const waitsForMore = s.length < stage.max && s.length >= stage.min && stage.max !== stage.min;
        if (waitsForMore && !(sLast + 1 < n && events[sLast + 1].ts < t0 + w)) return;
      }
    }
    out.push(taken.map((t) => [...t]));
  };

  const search = (i: number, lastIdx: number): void => {
    if (i === p.stages.length) {
      complete();
      return;
    }
    const st = p.stages[i];
    const k = taken[i].length;
    if (k >= st.min || (k === 0 && st.optional)) search(i + 1, lastIdx);
    if (k >= st.max) return;
    for (let q = lastIdx + 1; q < n; q++) {
      const e = events[q];
      if (!has(st.kinds, e) || (st.until !== null && e.kind === st.until)) continue;
      if (lastIdx >= 0 && !skippable(lastIdx, q, st, k === 0)) continue;
      if (p.within !== null && taken.flat().length > 0 && e.ts - events[taken.flat()[0]].ts >= p.within) break;
      taken[i].push(q);
      search(i, q);
      taken[i].pop();
    }
  };
  search(0, -1);
  return out;
}

/** A match as text with event ids: "a:a1|b:b2,b3" (empty stages left out). */
export function showAssignment(p: OraclePattern, a: Assignment, events: readonly OracleEvent[]): string {
  return a.map((idx, i) => (idx.length === 0 ? '' : `${p.stages[i].name}:${idx.map((j) => events[j].id).join(',')}`)).filter(Boolean).join('|');
}

export type OracleSkip =
  | { readonly kind: 'no-skip' | 'skip-to-next' | 'skip-past-last-event' }
  | { readonly kind: 'skip-to-first' | 'skip-to-last'; readonly stage: number };

/**
 * Checks the matches emitted for one key, in order, against the candidates: with noSkip, the same
 * multiset; with a skip strategy, each emitted match must be a candidate still alive with the
 * earliest first event, and it prunes the others; none may be left at the end. Returns the
 * problems found (empty when the emission is right).
 */
export function checkEmission(p: OraclePattern, skip: OracleSkip, candidates: readonly Assignment[], emitted: readonly string[], events: readonly OracleEvent[]): string[] {
  const show = (a: Assignment) => showAssignment(p, a, events);
  if (skip.kind === 'no-skip') {
    const want = candidates.map(show).sort();
    const got = [...emitted].sort();
    return JSON.stringify(want) === JSON.stringify(got) ? [] : [`expected ${JSON.stringify(want)}\n       got ${JSON.stringify(got)}`];
  }
  let alive = [...candidates];
  const start = (a: Assignment) => Math.min(...a.flat());
  for (const m of emitted) {
    const at = alive.findIndex((a) => show(a) === m);
    if (at < 0) return [`emitted ${m}, which is not a match still alive (alive: ${JSON.stringify(alive.map(show))})`];
    const match = alive[at];
    const earliest = Math.min(...alive.map(start));
    if (start(match) !== earliest) return [`emitted ${m} before a match that started earlier (alive: ${JSON.stringify(alive.map(show))})`];
    alive.splice(at, 1);
    let pid = -1;
    let inclusive = true;
    if (skip.kind === 'skip-to-next') pid = start(match);
    else if (skip.kind === 'skip-past-last-event') pid = Math.max(...match.flat());
    else if ('stage' in skip) {
      inclusive = false;
      const s = match[skip.stage];
      pid = s.length === 0 ? -1 : skip.kind === 'skip-to-first' ? s[0] : s[s.length - 1];
    }
    if (pid >= 0) alive = alive.filter((a) => !(inclusive ? start(a) <= pid : start(a) < pid));
  }
  // Without a window a partial match that started earlier can wait for ever, and the matches behind
  // it with it (Flink's too): only with a window must every match come out by the end of input.
  if (p.within === null) return [];
  return alive.length === 0 ? [] : [`matches never emitted: ${JSON.stringify(alive.map(show))} (emitted ${JSON.stringify(emitted)})`];
}
