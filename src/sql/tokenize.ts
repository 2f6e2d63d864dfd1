import { SqlError, type SqlPosition } from './sql-error.ts';

/**
 * A token of SQL text. Keywords are unquoted identifiers (the parser compares their upper case);
 * `quoted` is an identifier in backticks, whose text is exact.
 */
export interface Token extends SqlPosition {
  readonly type: 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof';
  /** The identifier, the string's value (quotes removed), the number or the operator. */
  readonly text: string;
  /** Offset in the text. */
  readonly offset: number;
}

const OPERATORS = ['<>', '<=', '>=', '!=', '||', '(', ')', ',', '.', ';', '*', '+', '-', '/', '%', '=', '<', '>', '[', ']'];

const isIdentStart = (c: string): boolean => /[A-Za-z_$\u0080-\uffff]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Splits SQL text into tokens, dropping whitespace and comments (`-- ...` and `/* ... *\/`).
 *
 * @example
 * tokenize("SELECT `dateTime` FROM bid").map((t) => t.text); // ['SELECT', 'dateTime', 'FROM', 'bid', '']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number): SqlPosition => ({ line, column: offset - lineStart + 1 });
  const push = (type: Token['type'], value: string, start: number, startLine: number, startColumn: number): void => {
    tokens.push({ type, text: value, offset: start, line: startLine, column: startColumn });
  };
  /** Moves i to `end`, counting the newlines passed. */
  const advance = (end: number): void => {
    for (; i < end; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance(i + 1);
      continue;
    }
    const start = i;
    const { line: l, column } = at(i);
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      advance(end === -1 ? text.length : end);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      // A hint changes what a query does in Flink: never skip one as if it were a comment.
      if (text[i + 2] === '+') throw new SqlError('hints (/*+ ... */) are not supported yet', { line: l, column }, 'set the table\'s options in CREATE TABLE ... WITH (...)');
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SqlError('unterminated comment: /* without */', { line: l, column });
      advance(end + 2);
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf("'", j);
        if (q === -1) throw new SqlError('unterminated string literal: a quote (\') without its closing quote', { line: l, column });
        value += text.slice(j, q);
        if (text[q + 1] === "'") {
          value += "'";
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      advance(j);
      push('string', value, start, l, column);
      continue;
    }
    if (c === '`') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('`', j);
        if (q === -1) throw new SqlError('unterminated quoted identifier: a backtick (`) without its closing backtick', { line: l, column });
        value += text.slice(j, q);
        if (text[q + 1] === '`') {
          value += '`';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      advance(j);
      push('quoted', value, start, l, column);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (isDigit(text[j] ?? '')) j++;
      if (text[j] === '.') {
        j++;
        while (isDigit(text[j] ?? '')) j++;
      }
      if ((text[j] === 'e' || text[j] === 'E') && (isDigit(text[j + 1] ?? '') || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text[j + 2] ?? '')))) {
        j += 2;
        while (isDigit(text[j] ?? '')) j++;
      }
      push('number', text.slice(i, j), start, l, column);
      advance(j);
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      push('ident', text.slice(i, j), start, l, column);
      advance(j);
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new SqlError(`unexpected character '${c}'`, { line: l, column });
    push('op', op, start, l, column);
    advance(i + op.length);
  }
  const end = at(i);
  push('eof', '', i, end.line, end.column);
  return tokens;
}
