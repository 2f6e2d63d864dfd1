import type { Key } from '../functions/key.ts';
import { HeapStateBackend } from '../state/heap-state-backend.ts';
import { formatTime } from '../time/clock.ts';
import { decodeTime, type Manifest } from './manifest.ts';
import type { OpenedCheckpoint } from './open-checkpoint.ts';
import { loadKeyedState } from './keyed-files.ts';

/**
 * What `eddy inspect` shows of one operator.
 *
 * @example
 * const op: OperatorSummary = summarizeCheckpoint(opened).operators[0];
 */
export interface OperatorSummary {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly hasUid: boolean;
  readonly keyCount: number;
  readonly stateBytes: number;
  readonly watermark: number;
  /** Keyed state files (a full snapshot, then deltas), and whether there is operator-local state. */
  readonly files: { readonly full: number; readonly deltas: number; readonly local: boolean };
}

/**
 * A checkpoint or savepoint as data: the manifest, with watermarks decoded and sink tokens summed up.
 *
 * @example
 * const s: CheckpointSummary = summarizeCheckpoint(await openCheckpoint(path)); s.operators.length;
 */
export interface CheckpointSummary {
  readonly dir: string;
  readonly kind: Manifest['kind'];
  readonly id: number;
  readonly job: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly skipped: readonly string[];
  readonly operators: readonly OperatorSummary[];
  readonly sources: readonly { readonly id: string; readonly position: unknown; readonly splitWatermarks: readonly number[]; readonly finished: boolean }[];
  readonly sinks: readonly { readonly id: string; readonly token: string }[];
}

/**
 * The summary of an opened checkpoint; a pure function of its manifest.
 *
 * @example
 * summarizeCheckpoint(opened).operators.map((o) => `${o.id}: ${o.keyCount} keys`);
 */
export function summarizeCheckpoint(opened: OpenedCheckpoint): CheckpointSummary {
  const m = opened.manifest;
  return {
    dir: opened.dir, kind: m.kind, id: m.id, job: m.job, createdAt: m.createdAt, durationMs: m.durationMs, skipped: opened.skipped,
    operators: m.operators.map((o) => ({
      id: o.id, kind: o.kind, name: o.name, hasUid: o.hasUid, keyCount: o.keyCount, stateBytes: o.stateBytes, watermark: decodeTime(o.watermark),
      files: { full: Math.min(1, o.keyed.length), deltas: Math.max(0, o.keyed.length - 1), local: o.local !== null },
    })),
    sources: m.sources.map((s) => ({ id: s.id, position: s.position, splitWatermarks: s.splitWatermarks.map(decodeTime), finished: s.finished })),
    sinks: m.sinks.map((s) => ({ id: s.id, token: summarizeToken(s.token) })),
  };
}

/**
 * Rebuilds one operator's keyed state as its job would on restore: the full snapshot, then each
 * delta in order, into a heap backend. Throws naming the operators there are when `operatorId`
 * (a uid, or a name for operators without one) is not among them or has no keyed state.
 *
 * @example
 * const state = await readKeyedState(opened, 'counter');
 * state.table<number>('count').get('user-1'); // 42
 */
export async function readKeyedState(opened: OpenedCheckpoint, operatorId: string): Promise<HeapStateBackend> {
  const ops = opened.manifest.operators;
  const entry = ops.find((o) => o.id === operatorId) ?? ops.find((o) => o.name === operatorId);
  if (entry === undefined) {
    throw new Error(`no operator '${operatorId}' in ${opened.manifest.kind} ${opened.dir}; it has ${ops.map((o) => `'${o.id}'`).join(', ') || 'none'}`);
  }
  if (entry.keyed.length === 0) {
    const local = entry.local !== null ? ' (its state is operator-local: timers, panes)' : '';
    throw new Error(`operator '${entry.id}' (${entry.kind}) has no keyed state in this ${opened.manifest.kind}${local}`);
  }
  const backend = new HeapStateBackend();
  await loadKeyedState(backend, opened.storage, entry.keyed);
  return backend;
}

/**
 * A state table: its name, number of keys and the first few keys. `internal` tables are Eddy's
 * own bookkeeping (schema versions), not the job's state.
 *
 * @example
 * const t: TableSummary = { name: 'count', keys: 7, sample: ['k0', 'k1'], internal: false };
 */
export interface TableSummary {
  readonly name: string;
  readonly keys: number;
  readonly sample: readonly Key[];
  readonly internal: boolean;
}

/**
 * The tables of a backend with up to `sampleSize` keys each.
 *
 * @example
 * describeTables(await readKeyedState(opened, 'counter')); // [{ name: 'count', keys: 7, sample: ['k0', ...] }, ...]
 */
export function describeTables(backend: HeapStateBackend, sampleSize = 5): TableSummary[] {
  return backend.tableNames().map((name) => {
    const table = backend.table<unknown>(name);
    const sample: Key[] = [];
    for (const k of table.keys()) {
      if (sample.length >= sampleSize) break;
      sample.push(k);
    }
    return { name, keys: table.size, sample, internal: name.startsWith('__') };
  });
}

/**
 * One value found for a key: the table, the key as it is stored (a command line gives text, so
 * '42' is tried as the string and as the number), and the value.
 *
 * @example
 * const hit: KeyValue = { table: 'count', key: 42, value: 7 };
 */
export interface KeyValue {
  readonly table: string;
  readonly key: Key;
  readonly value: unknown;
}

/**
 * The values of `key` in every state table of the job (Eddy's own tables left out). The text is
 * tried as a string, and when it reads as one, as a number, a bigint and a boolean.
 *
 * @example
 * lookupKey(state, '42'); // [{ table: 'count', key: 42, value: 7 }]
 */
export function lookupKey(backend: HeapStateBackend, key: string): KeyValue[] {
  const candidates: Key[] = [key];
  const n = Number(key);
  if (key.trim() !== '' && Number.isFinite(n)) candidates.push(n);
  if (/^-?\d+$/.test(key)) candidates.push(BigInt(key));
  if (key === 'true' || key === 'false') candidates.push(key === 'true');
  const found: KeyValue[] = [];
  for (const t of describeTables(backend, 0)) {
    if (t.internal) continue;
    const table = backend.table<unknown>(t.name);
    for (const k of candidates) {
      const value = table.get(k);
      if (value !== undefined) found.push({ table: t.name, key: k, value });
    }
  }
  return found;
}

/**
 * State values as JSON: a Map becomes an object (when its keys are strings) or a list of
 * [key, value] entries, a Set a list, a bigint a string, a Date its ISO time.
 *
 * @example
 * stateToJson(new Map([['a', 1n]])); // '{"a":"1"}'
 */
export function stateToJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Map) return [...v.keys()].every((k) => typeof k === 'string') ? Object.fromEntries(v) : [...v.entries()];
    if (v instanceof Set) return [...v];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v === undefined ? null : v;
  }, indent) ?? 'null';
}

/**
 * The text of `eddy inspect PATH`.
 *
 * @example
 * process.stdout.write(renderCheckpoint(summarizeCheckpoint(await openCheckpoint(path))));
 */
export function renderCheckpoint(s: CheckpointSummary): string {
  const lines = [
    `${s.kind} ${s.id} of job '${s.job}'`,
    `  path     ${s.dir}`,
    `  created  ${formatTime(s.createdAt)} (took ${s.durationMs} ms)`,
    ...s.skipped.map((w) => `  skipped  ${w}`),
    `operators (${s.operators.length})`,
  ];
  for (const o of s.operators) {
    const keyed = o.files.full + o.files.deltas > 0 ? [`${o.files.full} full + ${o.files.deltas} delta${o.files.deltas === 1 ? '' : 's'}`] : [];
    const files = [...keyed, ...(o.files.local ? ['local'] : [])].join(', ') || 'none';
    lines.push(`  ${o.id}  ${o.kind} '${o.name}'  ${o.hasUid ? 'uid' : 'no uid (found by name)'}`);
    lines.push(`    keys ${o.keyCount}  state ${formatBytes(o.stateBytes)}  watermark ${formatTime(o.watermark)}  state files ${files}`);
  }
  lines.push(`sources (${s.sources.length})`);
  for (const src of s.sources) {
    lines.push(`  ${src.id}  position ${stateToJson(src.position)}  split watermarks [${src.splitWatermarks.map(formatTime).join(', ')}]${src.finished ? '  finished' : ''}`);
  }
  lines.push(`sinks (${s.sinks.length})`);
  for (const sink of s.sinks) lines.push(`  ${sink.id}  ${sink.token}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The text of `eddy inspect PATH --operator ID`: each table with its size and a few keys.
 *
 * @example
 * process.stdout.write(renderTables('counter', describeTables(state)));
 */
export function renderTables(operatorId: string, tables: readonly TableSummary[]): string {
  const lines = [`operator '${operatorId}': ${tables.length} state table${tables.length === 1 ? '' : 's'}`];
  for (const t of tables) {
    const more = t.keys > t.sample.length ? ', ...' : '';
    lines.push(`  ${t.name}${t.internal ? ' (Eddy\'s own)' : ''}  ${t.keys} key${t.keys === 1 ? '' : 's'}${t.sample.length > 0 ? `: ${t.sample.map(formatKey).join(', ')}${more}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The text of `eddy inspect PATH --operator ID --key KEY`: the key's value in each table, as JSON.
 *
 * @example
 * process.stdout.write(renderKeyValues('counter', 'k1', lookupKey(state, 'k1')));
 * // operator 'counter', key "k1":
 * //   count  "k1" = 7
 */
export function renderKeyValues(operatorId: string, key: string, found: readonly KeyValue[]): string {
  if (found.length === 0) return `operator '${operatorId}' has no state for key ${JSON.stringify(key)} (tried it as text${/^-?[\d.]/.test(key) ? ' and as a number' : ''})\n`;
  return [`operator '${operatorId}', key ${JSON.stringify(key)}:`, ...found.map((f) => `  ${f.table}  ${formatKey(f.key)} = ${stateToJson(f.value)}`)].join('\n') + '\n';
}

/** A key as typed in JavaScript: strings quoted, bigints with their n. */
function formatKey(k: Key): string {
  return typeof k === 'string' ? JSON.stringify(k) : typeof k === 'bigint' ? `${k}n` : String(k);
}

/** A sink's commit token in a few words: opaque data, so its shape is all that can be told. */
function summarizeToken(token: unknown): string {
  if (token === null || token === undefined) return 'nothing to commit';
  if (Array.isArray(token)) {
    const shown = token.slice(0, 3).map((t) => stateToJson(t)).join(', ');
    return `${token.length} pending item${token.length === 1 ? '' : 's'}${token.length > 0 ? `: ${shown}${token.length > 3 ? ', ...' : ''}` : ''}`;
  }
  const json = stateToJson(token);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
