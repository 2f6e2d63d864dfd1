import { SqlError, type SqlPosition } from './sql-error.ts';
import type { Token } from './tokenize.ts';

/** Words that end an expression or a name, so they are never read as an alias. */
const RESERVED = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CROSS', 'DESC', 'DISTINCT', 'ELSE', 'END', 'EXCEPT', 'EXISTS',
  'FALSE', 'FETCH', 'FILTER', 'FOR', 'FROM', 'FULL', 'GROUP', 'HAVING', 'IN', 'INNER', 'INTERSECT', 'INTERVAL', 'IS', 'JOIN',
  'LATERAL', 'LEFT', 'LIKE', 'LIMIT', 'MATCH_RECOGNIZE', 'MINUS', 'NATURAL', 'NOT', 'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER',
  'PARTITION', 'RIGHT', 'SELECT', 'SIMILAR', 'TABLE', 'THEN', 'TRUE', 'UNION', 'UNKNOWN', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/**
 * Reads tokens one by one for the recursive-descent parser, and makes its syntax errors: each
 * names what was expected, what was found, and the line and column.
 */
export class TokenCursor {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }

  get position(): SqlPosition {
    const t = this.peek();
    return { line: t.line, column: t.column };
  }

  atEnd(): boolean {
    return this.peek().type === 'eof';
  }

  /** Whether the token `ahead` is the (unquoted) keyword `word`. */
  isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' && t.text.toUpperCase() === word;
  }

  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === op;
  }

  /** Consumes the keyword if it is next. */
  acceptKeyword(...words: string[]): boolean {
    if (!words.every((w, k) => this.isKeyword(w, k))) return false;
    for (let k = 0; k < words.length; k++) this.next();
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  expectKeyword(...words: string[]): void {
    for (const w of words) {
      if (!this.acceptKeyword(w)) throw this.expected(w);
    }
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.expected(`'${op}'`);
  }

  /** An identifier: a quoted one, or an unquoted word that is not reserved. */
  identifier(what = 'a name'): string {
    const t = this.peek();
    if (t.type === 'quoted' || (t.type === 'ident' && !RESERVED.has(t.text.toUpperCase()))) {
      this.next();
      return t.text;
    }
    throw this.expected(what);
  }

  /** Whether the next token can be read as an identifier. */
  atIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'quoted' || (t.type === 'ident' && !RESERVED.has(t.text.toUpperCase()));
  }

  /** A dotted name: a, a.b, `a`.`b`. */
  qualifiedName(what = 'a name'): string[] {
    const parts = [this.identifier(what)];
    while (this.isOp('.') && this.atIdentifier(1)) {
      this.next();
      parts.push(this.identifier(what));
    }
    return parts;
  }

  string(what = 'a string literal'): string {
    const t = this.peek();
    if (t.type !== 'string') throw this.expected(what);
    this.next();
    return t.text;
  }

  /** An unsigned integer literal. */
  integer(what = 'an integer'): number {
    const t = this.peek();
    if (t.type !== 'number' || !/^\d+$/.test(t.text)) throw this.expected(what);
    this.next();
    return Number(t.text);
  }

  /** A syntax error at the next token: what the parser expected there and what it found. */
  expected(what: string): SqlError {
    const t = this.peek();
    const found = t.type === 'eof' ? 'the end of the statement'
      : t.type === 'string' ? `the string '${t.text}'`
      : t.type === 'quoted' ? `\`${t.text}\``
      : `'${t.text}'`;
    return new SqlError(`syntax error: expected ${what}, found ${found}`, t);
  }
}
