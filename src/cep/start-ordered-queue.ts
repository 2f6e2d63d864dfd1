import { compareByStart, type ComputationState } from './computation-state.ts';

/*
 * A binary heap of partial matches ordered by their first event, kept as a plain array: the same
 * sift rules as java.util.PriorityQueue, because Flink iterates its partial matches in heap-array
 * order and breaks ties (matches that started with the same event) by heap position. Emitting
 * matches in Flink's order per key needs the same array, not just the same ordering.
 */

function siftUp(q: ComputationState[], k: number, x: ComputationState): void {
  while (k > 0) {
    const parent = (k - 1) >>> 1;
    const e = q[parent];
    if (compareByStart(x, e) >= 0) break;
    q[k] = e;
    k = parent;
  }
  q[k] = x;
}

function siftDown(q: ComputationState[], k: number, x: ComputationState, n: number): void {
  const half = n >>> 1;
  while (k < half) {
    let child = 2 * k + 1;
    let c = q[child];
    const right = child + 1;
    if (right < n && compareByStart(c, q[right]) > 0) c = q[(child = right)];
    if (compareByStart(x, c) <= 0) break;
    q[k] = c;
    k = child;
  }
  q[k] = x;
}

/** Adds a partial match. @example offer(queue, state); */
export function offer(q: ComputationState[], x: ComputationState): void {
  q.push(x);
  siftUp(q, q.length - 1, x);
}

/** Removes and returns the earliest-started partial match. @example const first = poll(queue); */
export function poll(q: ComputationState[]): ComputationState | undefined {
  const n = q.length;
  if (n === 0) return undefined;
  const top = q[0];
  const last = q.pop()!;
  if (n > 1) siftDown(q, 0, last, n - 1);
  return top;
}

/**
 * Keeps the entries for which `keep[i]` is true, in order, then re-heapifies, as Java's bulk
 * removal does (nothing moves when nothing is removed).
 *
 * @example
 * if (retain(queue, keep)) { ... }
 */
export function retain(q: ComputationState[], keep: readonly boolean[]): boolean {
  let w = 0;
  for (let i = 0; i < q.length; i++) if (keep[i]) q[w++] = q[i];
  if (w === q.length) return false;
  q.length = w;
  for (let i = (w >>> 1) - 1; i >= 0; i--) siftDown(q, i, q[i], w);
  return true;
}
