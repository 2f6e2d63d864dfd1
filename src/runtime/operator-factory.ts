import type { PlanNode } from '../plan/node.ts';
import { gcd } from '../window/time-window.ts';
import type { KeyedStateBackend, StateBackendContext } from '../state/state-table.ts';
import type { Operator } from './operator.ts';
import { AlignedWindowOperator } from './operators/aligned-window-operator.ts';
import { FilterOperator } from './operators/filter-operator.ts';
import { FlatMapOperator } from './operators/flat-map-operator.ts';
import { KeyedProcessOperator } from './operators/keyed-process-operator.ts';
import { MapOperator } from './operators/map-operator.ts';
import { ProcessOperator } from './operators/process-operator.ts';
import { RollingOperator } from './operators/rolling-operator.ts';
import { TimestampsOperator } from './operators/timestamps-operator.ts';
import { UnionOperator } from './operators/union-operator.ts';
import { WindowOperator } from './operators/window-operator.ts';
import { AsyncMapOperator } from './operators/async-map-operator.ts';
import { TemporalJoinOperator } from './operators/temporal-join-operator.ts';
import { TableJoinOperator } from './operators/table-join-operator.ts';
import { BroadcastProcessOperator } from './operators/broadcast-process-operator.ts';
import { AlignedWindowJoinOperator } from './operators/aligned-window-join-operator.ts';
import { IntervalJoinOperator } from './operators/interval-join-operator.ts';
import { RegularJoinOperator } from './operators/regular-join-operator.ts';
import { WindowJoinOperator } from './operators/window-join-operator.ts';
import { CepOperator } from './operators/cep-operator.ts';

/** True when a window node can use the pane-based aligned operator. */
export function usesAlignedWindows(n: Extract<PlanNode, { kind: 'window' }>): boolean {
  const a = n.assigner;
  return (a.kind === 'tumbling' || a.kind === 'sliding') && a.isEventTime && n.evictor === null &&
    (n.trigger === null || n.trigger.isDefaultEventTime === true) && n.fn.type === 'aggregate';
}

/**
 * Most panes an aligned window operator may keep open on an on-disk backend, where each pane is a
 * table (LMDB's default limit is 256 tables per operator, keyed state included). Beyond it (long
 * sliding windows with a small slide, a lateness many windows long) the generic operator runs,
 * which keeps every window's contents in one table.
 */
const MAX_PANE_TABLES = 128;

/** Panes a window and its allowed lateness span: about how many stay open at once. */
function openPanes(n: Extract<PlanNode, { kind: 'window' }>): number {
  const a = n.assigner as { size: number; slide: number };
  return Math.ceil((a.size + n.allowedLateness) / gcd(a.size, a.slide)) + 1;
}

/**
 * Makes a fresh operator for a plan node (sources, sinks and pass-through nodes have none), with
 * the user function instances of this task (the node's factories make them).
 *
 * @example
 * const op = createOperator(node, () => new HeapStateBackend());
 */
export function createOperator(n: PlanNode, backends: (ctx: StateBackendContext) => KeyedStateBackend): Operator<unknown, unknown> | null {
  const backend = () => backends({ operator: n.uid ?? n.name });
  switch (n.kind) {
    case 'source': case 'sink': case 'key-by': case 'side-output':
      return null;
    case 'map':
      return new MapOperator(n.fn);
    case 'filter':
      return new FilterOperator(n.fn);
    case 'flat-map':
      return new FlatMapOperator(n.fn);
    case 'async-map':
      return new AsyncMapOperator(n.fn, n.options);
    case 'process':
      return new ProcessOperator(n.fn());
    case 'timestamps':
      return new TimestampsOperator(n.strategy);
    case 'union':
      return new UnionOperator();
    case 'keyed-process':
      return new KeyedProcessOperator(n.key, n.fn(), backend());
    case 'window-join':
      // Aligned windows keep records in keyed state; merging (session) windows need the window operator.
      return (n.assigner.kind === 'tumbling' || n.assigner.kind === 'sliding') && n.assigner.isEventTime
        ? new AlignedWindowJoinOperator(n, backend())
        : new WindowJoinOperator(n, onDiskBackend(backend));
    case 'interval-join':
      return new IntervalJoinOperator(n, backend());
    case 'regular-join':
      return new RegularJoinOperator(n, backend());
    case 'rolling':
      return new RollingOperator(n.key, n.agg(), n.emit, backend());
    case 'temporal-join':
      return new TemporalJoinOperator(n, backend());
    case 'lookup-join':
      return new TableJoinOperator(n, backend());
    case 'broadcast-process':
      return new BroadcastProcessOperator(n.key, n.fn(), backend());
    case 'cep':
      return new CepOperator({ ...n, fn: n.fn() }, backend());
    case 'window': {
      const store = onDiskBackend(backend);
      if (usesAlignedWindows(n) && n.fn.type === 'aggregate' && (store === null || openPanes(n) <= MAX_PANE_TABLES)) {
        return new AlignedWindowOperator({
          key: n.key, size: n.assigner.size, slide: n.assigner.slide, offset: n.assigner.offset,
          allowedLateness: n.allowedLateness, lateTag: n.lateTag, agg: n.fn.agg(), emit: n.fn.emit, store,
        }) as Operator<unknown, unknown>;
      }
      return new WindowOperator({
        key: n.key, assigner: n.assigner, trigger: n.trigger ?? n.assigner.defaultTrigger(), evictor: n.evictor,
        allowedLateness: n.allowedLateness, lateTag: n.lateTag, fn: n.fn.type === 'aggregate' ? { ...n.fn, agg: n.fn.agg() } : n.fn, store,
      });
    }
  }
}

/**
 * The operator's backend when it keeps state on disk (LMDB), for window contents; null for the
 * heap, where the window operators' own Maps are faster than backend tables.
 */
function onDiskBackend(backend: () => KeyedStateBackend): KeyedStateBackend | null {
  const b = backend();
  if (b.onDisk === true) return b;
  b.close();
  return null;
}
