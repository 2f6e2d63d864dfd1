/**
 * Splits one CSV line into fields (RFC 4180 quoting: "a ""quoted"" field, with commas").
 * A quoted field may not span lines. Throws on an unterminated quote.
 *
 * @example
 * parseCsvLine('a,"b,c",""""'); // ['a', 'b,c', '"']
 */
export function parseCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field starting at column ${out.length + 1}`);
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(field);
      if (i < n && line[i] !== delimiter) throw new Error(`unexpected character after quoted field in column ${out.length}`);
    } else {
      const d = line.indexOf(delimiter, i);
      const end = d < 0 ? n : d;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) return out;
    i++; // past the delimiter
    if (i === n) {
      out.push('');
      return out;
    }
  }
}

/**
 * One CSV field, quoted only when it must be.
 *
 * @example
 * csvField('a,b'); // '"a,b"'
 */
export function csvField(value: unknown, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replaceAll('"', '""')}"` : s;
}
