import type { BinaryOperator, Expr, TimeUnit } from './ast.ts';
import { parseCall } from './parse-call.ts';
import { parseQuery, startsQuery } from './parse-query.ts';
import { parseType } from './parse-type.ts';
import { unsupported } from './sql-error.ts';
import type { TokenCursor } from './token-cursor.ts';

const TIME_UNITS = new Set<string>(['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND']);
const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
/** Calls written without parentheses. */
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME', 'CURRENT_ROW_TIMESTAMP']);
/** Reserved words that are also function names when a parenthesis follows. */
const CALLABLE_KEYWORDS = new Set(['LEFT', 'RIGHT']);

/**
 * Reads an expression, by SQL's precedence: OR, AND, NOT, predicates (comparisons, IS, BETWEEN,
 * IN, LIKE), + - , * / % ||, unary minus, then calls, names, literals and parentheses.
 *
 * @example
 * parseExpression(new TokenCursor(tokenize("MOD(auction, 123) = 0 AND price > 10")));
 */
export function parseExpression(c: TokenCursor): Expr {
  let left = parseAnd(c);
  while (c.isKeyword('OR')) {
    const pos = c.position;
    c.next();
    left = { kind: 'binary', pos, op: 'OR', left, right: parseAnd(c) };
  }
  return left;
}

function parseAnd(c: TokenCursor): Expr {
  let left = parseNot(c);
  while (c.isKeyword('AND')) {
    const pos = c.position;
    c.next();
    left = { kind: 'binary', pos, op: 'AND', left, right: parseNot(c) };
  }
  return left;
}

function parseNot(c: TokenCursor): Expr {
  if (c.isKeyword('NOT') && !c.isKeyword('EXISTS', 1)) {
    const pos = c.position;
    c.next();
    return { kind: 'unary', pos, op: 'NOT', operand: parseNot(c) };
  }
  return parsePredicate(c);
}

function parsePredicate(c: TokenCursor): Expr {
  let left = parseAdditive(c);
  for (;;) {
    const pos = c.position;
    const t = c.peek();
    if (t.type === 'op' && COMPARISONS.has(t.text)) {
      c.next();
      const op = (t.text === '!=' ? '<>' : t.text) as BinaryOperator;
      left = { kind: 'binary', pos, op, left, right: parseAdditive(c) };
      continue;
    }
    if (c.acceptKeyword('IS')) {
      const not = c.acceptKeyword('NOT');
      if (c.isKeyword('DISTINCT')) throw unsupported('IS [NOT] DISTINCT FROM', pos, 'write the comparison with IS NULL checks');
      const what = ['NULL', 'TRUE', 'FALSE', 'UNKNOWN'].find((w) => c.acceptKeyword(w));
      if (what === undefined) throw c.expected('NULL, TRUE, FALSE or UNKNOWN after IS');
      left = { kind: 'is', pos, operand: left, not, what: what as 'NULL' };
      continue;
    }
    const not = c.isKeyword('NOT') && (c.isKeyword('BETWEEN', 1) || c.isKeyword('IN', 1) || c.isKeyword('LIKE', 1) || c.isKeyword('SIMILAR', 1));
    if (not) c.next();
    if (c.acceptKeyword('BETWEEN')) {
      if (!c.acceptKeyword('ASYMMETRIC') && c.isKeyword('SYMMETRIC')) throw unsupported('BETWEEN SYMMETRIC', c.position, 'order the bounds and use BETWEEN');
      const low = parseAdditive(c);
      c.expectKeyword('AND');
      left = { kind: 'between', pos, operand: left, low, high: parseAdditive(c), not };
      continue;
    }
    if (c.acceptKeyword('IN')) {
      c.expectOp('(');
      if (startsQuery(c)) {
        const query = parseQuery(c);
        c.expectOp(')');
        left = { kind: 'in', pos, operand: left, list: null, query, not };
      } else {
        const list = [parseExpression(c)];
        while (c.acceptOp(',')) list.push(parseExpression(c));
        c.expectOp(')');
        left = { kind: 'in', pos, operand: left, list, query: null, not };
      }
      continue;
    }
    const similar = c.acceptKeyword('SIMILAR', 'TO');
    if (similar || c.acceptKeyword('LIKE')) {
      const pattern = parseAdditive(c);
      const escape = c.acceptKeyword('ESCAPE') ? parseAdditive(c) : null;
      left = { kind: 'like', pos, operand: left, pattern, escape, not, similar };
      continue;
    }
    if (not) throw c.expected('BETWEEN, IN, LIKE or SIMILAR TO after NOT');
    return left;
  }
}

/** An expression without predicates: + - * / % || and what binds tighter. */
export function parseAdditive(c: TokenCursor): Expr {
  let left = parseMultiplicative(c);
  while (c.isOp('+') || c.isOp('-')) {
    const pos = c.position;
    const op = c.next().text as BinaryOperator;
    left = { kind: 'binary', pos, op, left, right: parseMultiplicative(c) };
  }
  return left;
}

function parseMultiplicative(c: TokenCursor): Expr {
  let left = parseUnary(c);
  while (c.isOp('*') || c.isOp('/') || c.isOp('%') || c.isOp('||')) {
    const pos = c.position;
    const op = c.next().text as BinaryOperator;
    left = { kind: 'binary', pos, op, left, right: parseUnary(c) };
  }
  return left;
}

function parseUnary(c: TokenCursor): Expr {
  if (c.isOp('-') || c.isOp('+')) {
    const pos = c.position;
    const op = c.next().text as '-' | '+';
    const operand = parseUnary(c);
    if (op === '-' && operand.kind === 'number') return { ...operand, pos, text: `-${operand.text}` };
    if (op === '-' && operand.kind === 'interval') return { ...operand, pos, negative: !operand.negative };
    return { kind: 'unary', pos, op, operand };
  }
  let e = parsePrimary(c);
  while (c.isOp('[')) {
    const pos = c.position;
    c.next();
    const index = parseExpression(c);
    c.expectOp(']');
    e = { kind: 'call', pos, name: 'ITEM', args: [e, index], distinct: false, star: false, filter: null, over: null };
  }
  return e;
}

/** A time unit keyword (SECOND, MINUTE ...), with an optional precision that changes nothing for ms. */
export function timeUnit(c: TokenCursor): TimeUnit {
  const t = c.peek();
  const word = t.type === 'ident' ? t.text.toUpperCase() : '';
  if (!TIME_UNITS.has(word)) throw c.expected('a time unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR ...)');
  c.next();
  if (c.isOp('(')) { // SECOND(3): the precision changes nothing for millisecond times
    c.next();
    c.integer();
    c.expectOp(')');
  }
  return word as TimeUnit;
}

function parsePrimary(c: TokenCursor): Expr {
  const pos = c.position;
  const t = c.peek();
  if (t.type === 'number') {
    c.next();
    return { kind: 'number', pos, text: t.text };
  }
  if (t.type === 'string') {
    c.next();
    return { kind: 'string', pos, value: t.text };
  }
  if (t.type === 'op' && t.text === '(') return parseParenthesized(c);
  if (t.type === 'op' && t.text === '*') {
    c.next();
    return { kind: 'star', pos, qualifier: [] };
  }
  if (t.type === 'ident') {
    const word = t.text.toUpperCase();
    switch (word) {
      case 'NULL': c.next(); return { kind: 'null', pos };
      case 'TRUE': case 'FALSE': c.next(); return { kind: 'boolean', pos, value: word === 'TRUE' };
      case 'INTERVAL': {
        c.next();
        let negative = false;
        if (c.acceptOp('-')) negative = true;
        else c.acceptOp('+');
        const value = c.peek().type === 'number' ? c.next().text : c.string('the interval\'s value in quotes, as in INTERVAL \'10\' SECOND');
        const unit = timeUnit(c);
        const toUnit = c.acceptKeyword('TO') ? timeUnit(c) : null;
        return { kind: 'interval', pos, value, negative, unit, toUnit };
      }
      case 'CASE': return parseCase(c);
      case 'CAST': case 'TRY_CAST': {
        if (!c.isOp('(', 1)) break;
        c.next();
        c.expectOp('(');
        const operand = parseExpression(c);
        c.expectKeyword('AS');
        const type = parseType(c);
        c.expectOp(')');
        return { kind: 'cast', pos, operand, type, try: word === 'TRY_CAST' };
      }
      case 'EXISTS': {
        c.next();
        c.expectOp('(');
        const query = parseQuery(c);
        c.expectOp(')');
        return { kind: 'exists', pos, query };
      }
      case 'TIMESTAMP': case 'DATE': case 'TIME':
        if (c.peek(1).type === 'string') {
          c.next();
          return { kind: 'typed-literal', pos, type: word, value: c.next().text };
        }
        break;
      case 'DESCRIPTOR': {
        c.next();
        c.expectOp('(');
        const columns = [c.identifier('a column name')];
        while (c.acceptOp(',')) columns.push(c.identifier('a column name'));
        c.expectOp(')');
        return { kind: 'descriptor', pos, columns };
      }
      case 'TABLE':
        c.next();
        return { kind: 'table-arg', pos, name: c.qualifiedName('a table name') };
      case 'NOT':
        return parseNot(c);
      default:
        break;
    }
    if (CALLABLE_KEYWORDS.has(word) && c.isOp('(', 1)) {
      c.next();
      return parseCall(c, t.text, pos);
    }
  }
  if (!c.atIdentifier()) throw c.expected('an expression');
  const parts = [c.identifier()];
  while (c.isOp('.')) {
    c.next();
    if (c.isOp('*')) {
      c.next();
      return { kind: 'star', pos, qualifier: parts };
    }
    parts.push(c.identifier('a name after the dot'));
  }
  if (c.isOp('(')) return parseCall(c, parts.join('.'), pos);
  if (parts.length === 1 && t.type === 'ident' && NILADIC.has(parts[0].toUpperCase())) {
    return { kind: 'call', pos, name: parts[0], args: [], distinct: false, star: false, filter: null, over: null };
  }
  return { kind: 'ident', pos, parts };
}

function parseParenthesized(c: TokenCursor): Expr {
  const pos = c.position;
  c.expectOp('(');
  if (startsQuery(c)) {
    const query = parseQuery(c);
    c.expectOp(')');
    return { kind: 'subquery', pos, query };
  }
  const first = parseExpression(c);
  if (c.acceptOp(',')) {
    const args = [first, parseExpression(c)];
    while (c.acceptOp(',')) args.push(parseExpression(c));
    c.expectOp(')');
    return { kind: 'call', pos, name: 'ROW', args, distinct: false, star: false, filter: null, over: null };
  }
  c.expectOp(')');
  return first;
}

function parseCase(c: TokenCursor): Expr {
  const pos = c.position;
  c.expectKeyword('CASE');
  const operand = c.isKeyword('WHEN') ? null : parseExpression(c);
  const whens: { when: Expr; then: Expr }[] = [];
  while (c.acceptKeyword('WHEN')) {
    const when = parseExpression(c);
    c.expectKeyword('THEN');
    whens.push({ when, then: parseExpression(c) });
  }
  if (whens.length === 0) throw c.expected('WHEN');
  const otherwise = c.acceptKeyword('ELSE') ? parseExpression(c) : null;
  c.expectKeyword('END');
  return { kind: 'case', pos, operand, whens, otherwise };
}
