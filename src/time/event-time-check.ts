/**
 * Says what a value that should have been an event time is instead, with a hint where one
 * helps: the middle of a dead letter's reason ("... returned <this>; expected a finite number
 * of epoch milliseconds"). An event time is a finite number; `Number.isFinite` is the check.
 *
 * @example
 * describeNonTime('5000');    // '"5000" (a string: convert it, e.g. Number(...) or Date.parse(...))'
 * describeNonTime(undefined); // 'undefined (is the field missing or misspelled?)'
 */
export function describeNonTime(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined (is the field missing or misspelled?)';
    case 'string':
      return `${quote(value)} (a string: convert it, e.g. Number(...) or Date.parse(...))`;
    case 'number':
      if (Number.isNaN(value)) return 'NaN (a date that did not parse, or arithmetic on a missing value?)';
      return `${value} (not a finite time: a number too large for a double, such as 1e400, reads as Infinity)`;
    case 'bigint':
      return `${value}n (a bigint: convert it with Number(...))`;
    case 'boolean':
      return `${value} (a boolean)`;
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) return `a Date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}: use .getTime())`;
      return `${preview(value)} (${Array.isArray(value) ? 'an array' : 'an object'})`;
    default:
      return `a ${typeof value}`;
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function preview(value: object): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
