import type { Key } from '../functions/key.ts';
import { HeapStateBackend } from '../state/heap-state-backend.ts';
import { formatTime } from '../time/clock.ts';
import { decodeTime, type Manifest, type OperatorEntry } from './manifest.ts';
import type { OpenedCheckpoint } from './open-checkpoint.ts';
import { loadKeyedState } from './keyed-files.ts';
import { fileBytes, type LocalSummary, summarizeLocal } from './operator-state.ts';
import { decodeState } from './snapshot-codec.ts';

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
  /** Keyed state files (a full snapshot, then deltas) and their bytes, and the operator-local state file's bytes (null: none). */
  readonly files: { readonly full: number; readonly deltas: number; readonly keyedBytes: number; readonly localBytes: number | null };
  /** What the operator-local state holds (windows, panes, timers...), when it was read. */
  readonly local: LocalSummary | null;
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
 * The summary of an opened checkpoint: its manifest, and what each operator's local state holds
 * when `locals` (from `readLocalSummaries`) says.
 *
 * @example
 * summarizeCheckpoint(opened, await readLocalSummaries(opened)).operators.map((o) => `${o.id}: ${o.keyCount} keys`);
 */
export function summarizeCheckpoint(opened: OpenedCheckpoint, locals: ReadonlyMap<string, LocalSummary> = new Map()): CheckpointSummary {
  const m = opened.manifest;
  return {
    dir: opened.dir, kind: m.kind, id: m.id, job: m.job, createdAt: m.createdAt, durationMs: m.durationMs, skipped: opened.skipped,
    operators: m.operators.map((o) => {
      const bytes = fileBytes(o);
      return {
        id: o.id, kind: o.kind, name: o.name, hasUid: o.hasUid, keyCount: o.keyCount, stateBytes: o.stateBytes, watermark: decodeTime(o.watermark),
        files: { full: Math.min(1, o.keyed.length), deltas: Math.max(0, o.keyed.length - 1), keyedBytes: bytes.keyed, localBytes: o.local === null ? null : bytes.local },
        local: locals.get(o.id) ?? null,
      };
    }),
    sources: m.sources.map((s) => ({ id: s.id, position: s.position, splitWatermarks: s.splitWatermarks.map(decodeTime), finished: s.finished })),
    sinks: m.sinks.map((s) => ({ id: s.id, token: summarizeToken(s.token) })),
  };
}

/**
 * Reads every operator-local state file of a checkpoint and tells what it holds (windows, panes,
 * timers...), by operator id.
 *
 * @example
 * const locals = await readLocalSummaries(opened); locals.get('sessions'); // { kind: 'windows', windows: 200, ... }
 */
export async function readLocalSummaries(opened: OpenedCheckpoint): Promise<Map<string, LocalSummary>> {
  const out = new Map<string, LocalSummary>();
  for (const o of opened.manifest.operators) if (o.local !== null) out.set(o.id, summarizeLocal(decodeState(await opened.storage.readFile(o.local))));
  return out;
}

/**
 * One operator's state as a checkpoint holds it: its manifest entry, its decoded local state
 * (null: none) and its keyed state rebuilt on the heap (null: none).
 *
 * @example
 * const { local, keyed } = await readOperatorState(opened, 'sessions');
 */
export interface OperatorState {
  readonly entry: OperatorEntry;
  readonly local: unknown;
  readonly keyed: HeapStateBackend | null;
}

/**
 * Reads one operator's state (found by uid, or by name for operators without one). Throws naming
 * the operators there are when it is not there, and when it holds no state at all.
 *
 * @example
 * const state = await readOperatorState(opened, 'hourly');
 */
export async function readOperatorState(opened: OpenedCheckpoint, operatorId: string): Promise<OperatorState> {
  const entry = findOperator(opened, operatorId);
  if (entry.local === null && entry.keyed.length === 0) {
    const stateful = opened.manifest.operators.filter((o) => o.local !== null || o.keyed.length > 0).map((o) => `'${o.id}'`).join(', ') || 'none';
    throw new Error(`operator '${entry.id}' (${entry.kind}) holds no state in this ${opened.manifest.kind}; operators with state: ${stateful}`);
  }
  const local = entry.local === null ? null : decodeState(await opened.storage.readFile(entry.local));
  let keyed: HeapStateBackend | null = null;
  if (entry.keyed.length > 0) {
    keyed = new HeapStateBackend();
    await loadKeyedState(keyed, opened.storage, entry.keyed);
  }
  return { entry, local, keyed };
}

function findOperator(opened: OpenedCheckpoint, operatorId: string): OperatorEntry {
  const ops = opened.manifest.operators;
  const entry = ops.find((o) => o.id === operatorId) ?? ops.find((o) => o.name === operatorId);
  if (entry === undefined) {
    throw new Error(`no operator '${operatorId}' in ${opened.manifest.kind} ${opened.dir}; it has ${ops.map((o) => `'${o.id}'`).join(', ') || 'none'}`);
  }
  return entry;
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
  const entry = findOperator(opened, operatorId);
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
  const candidates = keyCandidates(key);
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
 * The keys a text from a command line may stand for: the string, and when it reads as one, a
 * number, a bigint and a boolean.
 *
 * @example
 * keyCandidates('42'); // ['42', 42, 42n]
 */
export function keyCandidates(key: string): Key[] {
  const candidates: Key[] = [key];
  const n = Number(key);
  if (key.trim() !== '' && Number.isFinite(n)) candidates.push(n);
  if (/^-?\d+$/.test(key)) candidates.push(BigInt(key));
  if (key === 'true' || key === 'false') candidates.push(key === 'true');
  return candidates;
}

/**
 * State values as JSON: a Map becomes an object (when its keys are strings) or a list of
 * [key, value] entries, a Set a list, a bigint a string, a Date its ISO time.
 *
 * @example
 * stateToJson(new Map([['a', 1n]])); // '{"a":"1"}'
 */
export function stateToJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, stateJsonReplacer, indent) ?? 'null';
}

/**
 * The `JSON.stringify` replacer behind `stateToJson`, for callers that add their own cases.
 *
 * @example
 * JSON.stringify(value, (k, v: unknown) => (v === Infinity ? '+Inf' : stateJsonReplacer(k, v)));
 */
export function stateJsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Map) return [...v.keys()].every((k) => typeof k === 'string') ? Object.fromEntries(v) : [...v.entries()];
  if (v instanceof Set) return [...v];
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v === undefined ? null : v;
}

/**
 * The text of `eddy inspect PATH`: per operator its state files and their sizes, its keyed state,
 * and what its local state holds (windows with their keys, records and time range; panes; timers).
 *
 * @example
 * process.stdout.write(renderCheckpoint(summarizeCheckpoint(opened, await readLocalSummaries(opened))));
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
    lines.push(`  ${o.id}  ${o.kind} '${o.name}'  ${o.hasUid ? 'uid' : 'no uid (found by name)'}`);
    const f = o.files;
    if (f.full + f.deltas === 0 && f.localBytes === null) {
      lines.push(`    no state  watermark ${formatTime(o.watermark)}`);
      continue;
    }
    const files = [
      ...(f.localBytes === null ? [] : [`local ${formatBytes(f.localBytes)}`]),
      ...(f.full + f.deltas > 0 ? [`keyed ${f.full} full + ${f.deltas} delta${f.deltas === 1 ? '' : 's'} ${formatBytes(f.keyedBytes)}`] : []),
    ];
    lines.push(`    files      ${files.join(', ')}`);
    if (f.full + f.deltas > 0) lines.push(`    keyed      ${count(o.keyCount, 'key')}, ${formatBytes(o.stateBytes)} in memory`);
    if (o.local !== null) lines.push(...describeLocal(o.local).map((l) => `    ${l}`));
    lines.push(`    watermark  ${formatTime(o.watermark)}`);
  }
  lines.push(`sources (${s.sources.length})`);
  for (const src of s.sources) {
    lines.push(`  ${src.id}  position ${stateToJson(src.position)}  split watermarks [${src.splitWatermarks.map(formatTime).join(', ')}]${src.finished ? '  finished' : ''}`);
  }
  lines.push(`sinks (${s.sinks.length})`);
  for (const sink of s.sinks) lines.push(`  ${sink.id}  ${sink.token}`);
  return `${lines.join('\n')}\n`;
}

/** A local state summary as `eddy inspect` lines (label padded to 11). */
function describeLocal(l: LocalSummary): string[] {
  switch (l.kind) {
    case 'windows': {
      const held = l.contentsInKeyedState ? ' (contents in keyed state)' : l.records === null ? '' : `, ${count(l.records, 'record')}`;
      const range = l.windows === 0 ? '' : `, from ${formatTime(l.from)} to ${formatTime(l.to)}`;
      return [`windows    ${count(l.windows, 'window')} of ${count(l.keys, 'key')}${held}${range}`, `timers     ${count(l.timers, 'timer')}`];
    }
    case 'panes': {
      const held = l.contentsInKeyedState ? ' (contents in keyed state)' : ` (${count(l.keys ?? 0, 'key')}, ${count(l.accumulators ?? 0, 'accumulator')})`;
      const range = l.panes === 0 ? '' : l.panes === 1 ? `, starting ${formatTime(l.firstStart)}` : `, starting ${formatTime(l.firstStart)} to ${formatTime(l.lastStart)}`;
      return [`panes      ${count(l.panes, 'pane')}${held}${range}`, `fired      windows ending up to ${formatTime(l.firedUpTo)}`];
    }
    case 'timers': return [`timers     ${l.eventTimers} event time, ${l.processingTimers} processing time`];
    case 'in-flight': return [`in flight  ${count(l.records, 'record')}`];
    case 'broadcast': return [`broadcast  ${l.states.map((b) => `'${b.name}' ${count(b.entries, 'entry', 'entries')}`).join(', ') || 'none'}`, `timers     ${l.timers}`];
    case 'other': return [];
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
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
