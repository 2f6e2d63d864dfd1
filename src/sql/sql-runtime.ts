/* The helpers compiled SQL expressions call: the parts of SQL's semantics that are more than one
 * JavaScript operator. Compiled code gets this object as `rt`. All are plain functions of their
 * arguments (no allocation unless the result is a new string). Times are epoch milliseconds, read
 * in UTC (Flink's TIMESTAMP has no time zone). */

const DAY_MS = 86_400_000;

/** Integer division as Java does it: truncated toward zero, and an error on zero. */
function idiv(a: number, b: number): number {
  if (b === 0) throw new Error('SQL: division of an integer by zero');
  return Math.trunc(a / b);
}

/** Integer remainder (MOD, %): the sign of the dividend, as Java; an error on zero. */
function imod(a: number, b: number): number {
  if (b === 0) throw new Error('SQL: MOD of an integer by zero');
  return a % b;
}

function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

/** SPLIT_INDEX(s, sep, i): the i-th (0-based) piece of s split at sep, or null. */
function splitIndex(s: string, sep: string, index: number): string | null {
  if (index < 0 || sep === '') return null;
  let from = 0;
  for (let i = 0; i < index; i++) {
    const at = s.indexOf(sep, from);
    if (at === -1) return null;
    from = at + sep.length;
  }
  const end = s.indexOf(sep, from);
  return end === -1 ? s.slice(from) : s.slice(from, end);
}

/** REGEXP_EXTRACT(s, re, group): the group of the first match, or null. */
function regexpExtract(s: string, re: RegExp, group: number): string | null {
  re.lastIndex = 0;
  const m = re.exec(s);
  return m === null ? null : (m[group] ?? null);
}

/** SUBSTRING(s FROM start [FOR length]), 1-based as SQL; a start below 1 eats into the length. */
function substring(s: string, start: number, length: number | undefined): string {
  if (length !== undefined && length < 0) throw new Error(`SQL: SUBSTRING with a negative length ${length}`);
  const from = start > 0 ? start - 1 : start === 0 ? 0 : Math.max(0, s.length + start);
  const to = length === undefined ? s.length : start > 0 ? from + length : Math.max(0, start - 1 + length);
  return start > 0 || length === undefined ? s.slice(from, to) : s.slice(0, to);
}

function trim(side: 'BOTH' | 'LEADING' | 'TRAILING', chars: string, s: string): string {
  let a = 0;
  let b = s.length;
  if (side !== 'TRAILING') while (a < b && chars.includes(s[a])) a++;
  if (side !== 'LEADING') while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * A formatter for a Java date pattern (yyyy, yy, MM, dd, HH, hh, mm, ss, SSS, and text in
 * quotes), made once per query. Letters it does not know are an error at planning time.
 */
function dateFormatter(pattern: string): (ms: number) => string {
  const parts: ((d: Date) => string)[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    let j = i;
    while (pattern[j] === ch) j++;
    const n = j - i;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const text = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      parts.push(() => text);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      const field = ({
        y: (d: Date) => (n === 2 ? pad2(d.getUTCFullYear() % 100) : String(d.getUTCFullYear()).padStart(n, '0')),
        M: (d: Date) => String(d.getUTCMonth() + 1).padStart(n, '0'),
        d: (d: Date) => String(d.getUTCDate()).padStart(n, '0'),
        H: (d: Date) => String(d.getUTCHours()).padStart(n, '0'),
        h: (d: Date) => String(d.getUTCHours() % 12 || 12).padStart(n, '0'),
        m: (d: Date) => String(d.getUTCMinutes()).padStart(n, '0'),
        s: (d: Date) => String(d.getUTCSeconds()).padStart(n, '0'),
        S: (d: Date) => String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, n).padEnd(n, '0'),
        a: (d: Date) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
      } as Record<string, (d: Date) => string>)[ch];
      if (field === undefined) throw new Error(`the date pattern letter '${ch}' (in '${pattern}') is not supported; use y M d H h m s S a`);
      parts.push(field);
    } else {
      const text = pattern.slice(i, j);
      parts.push(() => text);
    }
    i = j;
  }
  const date = new Date(0);
  return (ms) => {
    date.setTime(ms);
    let out = '';
    for (const p of parts) out += p(date);
    return out;
  };
}

/** 'yyyy-MM-dd HH:mm:ss[.SSS]' (or with a T) as epoch ms in UTC; null when it is not one. */
function parseTimestamp(s: string): number | null {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*$/.exec(s);
  if (m === null) return null;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
}

/** A TIMESTAMP value read from a file: epoch ms as they are, SQL timestamp text parsed. */
function toMillis(v: unknown): number | null {
  if (typeof v === 'number' || v === null || v === undefined) return (v as number | null | undefined) ?? null;
  if (typeof v === 'string') {
    const ms = parseTimestamp(v);
    if (ms === null) throw new Error(`SQL: '${v}' is not a timestamp (expected epoch milliseconds or 'yyyy-MM-dd HH:mm:ss.SSS')`);
    return ms;
  }
  throw new Error(`SQL: ${JSON.stringify(v)} is not a timestamp`);
}

/** CAST(x AS BIGINT/INT ...) from text: an error (or null for TRY_CAST) when it is not an integer. */
function parseInteger(s: string, orNull: boolean): number | null {
  const t = s.trim();
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  if (orNull) return null;
  throw new Error(`SQL: CAST of '${s}' to an integer type: not a number`);
}

function parseNumber(s: string, orNull: boolean): number | null {
  const t = s.trim();
  const n = t === '' ? Number.NaN : Number(t);
  if (!Number.isNaN(n) || t === 'NaN') return n;
  if (orNull) return null;
  throw new Error(`SQL: CAST of '${s}' to a numeric type: not a number`);
}

function parseBoolean(s: string, orNull: boolean): boolean | null {
  const t = s.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (orNull) return null;
  throw new Error(`SQL: CAST of '${s}' to BOOLEAN: not TRUE or FALSE`);
}

const timestampText = dateFormatter('yyyy-MM-dd HH:mm:ss.SSS');

/** CAST(x AS STRING) of a number, as Flink prints it: integers plainly, doubles with a decimal point. */
function doubleText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return `${n}.0`;
  return String(n);
}

/** The start of the unit containing ms (FLOOR(ts TO unit)). */
function floorTime(ms: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case 'MILLISECOND': return ms;
    case 'SECOND': return ms - (((ms % 1000) + 1000) % 1000);
    case 'MINUTE': return ms - (((ms % 60_000) + 60_000) % 60_000);
    case 'HOUR': return ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
    case 'DAY': return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    case 'MONTH': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'YEAR': return Date.UTC(d.getUTCFullYear(), 0, 1);
    default: throw new Error(`SQL: FLOOR/CEIL to ${unit} is not supported`);
  }
}

function extract(unit: string, ms: number): number {
  const d = new Date(ms);
  switch (unit) {
    case 'YEAR': return d.getUTCFullYear();
    case 'QUARTER': return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'MONTH': return d.getUTCMonth() + 1;
    case 'DAY': return d.getUTCDate();
    case 'HOUR': return d.getUTCHours();
    case 'MINUTE': return d.getUTCMinutes();
    case 'SECOND': return d.getUTCSeconds();
    case 'MILLISECOND': return d.getUTCSeconds() * 1000 + d.getUTCMilliseconds();
    case 'WEEK': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const thursday = day + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS;
      return 1 + Math.floor((thursday - Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1)) / (7 * DAY_MS));
    }
    default: throw new Error(`SQL: EXTRACT(${unit} ...) is not supported`);
  }
}

/** The helpers, as compiled expressions see them. */
export const sqlRuntime = Object.freeze({
  idiv, imod, and3, or3, splitIndex, regexpExtract, substring, trim, dateFormatter, parseTimestamp, toMillis,
  parseInteger, parseNumber, parseBoolean, timestampText, doubleText, floorTime, extract,
});

export type SqlRuntime = typeof sqlRuntime;
