import type { Key } from '../functions/key.ts';
import { formatTime } from '../time/clock.ts';
import { keyCandidates, stateToJson } from './inspect.ts';
import type { WindowContents } from './operator-state.ts';

/** Windows listed by `eddy inspect --operator` unless one key is asked for. */
export const WINDOWS_SHOWN = 20;
/** Records of a window shown (the count is always shown). */
const RECORDS_SHOWN = 3;
const PREVIEW_CHARS = 100;

/**
 * The windows (or panes) of a window operator for `eddy inspect PATH --operator ID [--key KEY]`:
 * each with its key, its time range and what it holds (the accumulator, or the number of records
 * and the first few). Without a key, the first 20 by start time.
 *
 * @example
 * process.stdout.write(renderWindows('sessions', windowContents(local, keyed), null));
 */
export function renderWindows(operatorId: string, windows: readonly WindowContents[], key: string | null): string {
  const panes = windows.some((w) => w.pane);
  const what = panes ? 'pane' : 'window';
  const keys = new Set<Key>(windows.map((w) => w.key));
  const candidates = key === null ? null : keyCandidates(key);
  const chosen = candidates === null ? windows.slice(0, WINDOWS_SHOWN) : windows.filter((w) => candidates.includes(w.key));
  const groups = panes ? new Set(windows.map((w) => w.start)).size : windows.length;
  const total = `${count(groups, what)} of ${count(keys.size, 'key')}${panes ? ` (${count(windows.length, 'accumulator')})` : ''}`;
  const head = candidates !== null ? `operator '${operatorId}': ${total}; key ${JSON.stringify(key)} is in ${chosen.length}`
    : `operator '${operatorId}': ${total}${chosen.length < windows.length ? ` (the first ${chosen.length} by start; --key KEY for one key's)` : ''}`;
  const lines = [head];
  for (const w of chosen) {
    // A lone pane's size is not in the state (it is the job's window size, or the gcd of size and slide).
    const range = Number.isNaN(w.end) ? `starting ${formatTime(w.start)}` : `[${formatTime(w.start)}, ${formatTime(w.end)})`;
    lines.push(`  ${formatKey(w.key)}  ${panes ? 'pane ' : ''}${range}  ${describeContents(w)}`);
  }
  return `${lines.join('\n')}\n`;
}

function count(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
}

function describeContents(w: WindowContents): string {
  if (w.records === null) return `= ${preview(w.value)}`;
  const shown = w.records.slice(0, RECORDS_SHOWN).map(preview).join(', ');
  return `${count(w.records.length, 'record')}${w.records.length > 0 ? `: ${shown}${w.records.length > RECORDS_SHOWN ? ', ...' : ''}` : ''}`;
}

function preview(v: unknown): string {
  const json = stateToJson(v);
  return json.length > PREVIEW_CHARS ? `${json.slice(0, PREVIEW_CHARS - 3)}...` : json;
}

function formatKey(k: Key): string {
  return typeof k === 'string' ? JSON.stringify(k) : typeof k === 'bigint' ? `${k}n` : String(k);
}
