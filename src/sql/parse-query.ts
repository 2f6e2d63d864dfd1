import type { Expr, FromItem, Query, QueryBody, Select, SelectItem } from './ast.ts';
import { parseOrderBy } from './parse-call.ts';
import { parseExpression } from './parse-expression.ts';
import { unsupported } from './sql-error.ts';
import type { TokenCursor } from './token-cursor.ts';

/** Whether a query starts at the cursor (SELECT, WITH, VALUES, or a parenthesis around one). */
export function startsQuery(c: TokenCursor): boolean {
  let k = 0;
  while (c.isOp('(', k)) k++;
  return c.isKeyword('SELECT', k) || c.isKeyword('WITH', k) || c.isKeyword('VALUES', k);
}

/**
 * Reads a query: WITH, a SELECT or VALUES or a set operation of them, ORDER BY, LIMIT.
 *
 * @example
 * parseQuery(new TokenCursor(tokenize('SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0')));
 */
export function parseQuery(c: TokenCursor): Query {
  const pos = c.position;
  const withs: Query['with'][number][] = [];
  if (c.acceptKeyword('WITH')) {
    do {
      const itemPos = c.position;
      const name = c.identifier('the name of a WITH query');
      const columns = c.isOp('(') ? columnList(c) : null;
      c.expectKeyword('AS');
      c.expectOp('(');
      const query = parseQuery(c);
      c.expectOp(')');
      withs.push({ name, columns, query, pos: itemPos });
    } while (c.acceptOp(','));
  }
  const body = parseSetOperation(c);
  const orderBy = c.acceptKeyword('ORDER') ? parseOrderBy(c) : [];
  let limit: Expr | null = null;
  if (c.acceptKeyword('LIMIT')) limit = parseExpression(c);
  else if (c.acceptKeyword('FETCH')) {
    if (!c.acceptKeyword('FIRST')) c.expectKeyword('NEXT');
    limit = parseExpression(c);
    if (!c.acceptKeyword('ROWS')) c.expectKeyword('ROW');
    c.expectKeyword('ONLY');
  }
  if (c.isKeyword('OFFSET')) throw unsupported('OFFSET', c.position, 'a streaming query has no fixed order to skip rows of');
  return { pos, with: withs, body, orderBy, limit };
}

function parseSetOperation(c: TokenCursor): QueryBody {
  let left = parseQueryTerm(c);
  for (;;) {
    const pos = c.position;
    const op = c.acceptKeyword('UNION') ? 'UNION' : c.acceptKeyword('INTERSECT') ? 'INTERSECT'
      : c.acceptKeyword('EXCEPT') || c.acceptKeyword('MINUS') ? 'EXCEPT' : null;
    if (op === null) return left;
    const all = c.acceptKeyword('ALL');
    if (!all) c.acceptKeyword('DISTINCT');
    left = { kind: 'set-operation', pos, op, all, left, right: parseQueryTerm(c) };
  }
}

function parseQueryTerm(c: TokenCursor): QueryBody {
  const pos = c.position;
  if (c.isOp('(')) {
    c.next();
    const query = parseQuery(c);
    c.expectOp(')');
    return { kind: 'nested', pos, query };
  }
  if (c.acceptKeyword('VALUES')) {
    const rows: Expr[][] = [];
    do {
      c.expectOp('(');
      const row = [parseExpression(c)];
      while (c.acceptOp(',')) row.push(parseExpression(c));
      c.expectOp(')');
      rows.push(row);
    } while (c.acceptOp(','));
    return { kind: 'values', pos, rows };
  }
  return parseSelect(c);
}

function parseSelect(c: TokenCursor): Select {
  const pos = c.position;
  c.expectKeyword('SELECT');
  const distinct = c.acceptKeyword('DISTINCT');
  if (!distinct) c.acceptKeyword('ALL');
  const items: SelectItem[] = [];
  do {
    const itemPos = c.position;
    const expr = parseExpression(c);
    items.push({ pos: itemPos, expr, alias: alias(c) });
  } while (c.acceptOp(','));
  const from = c.acceptKeyword('FROM') ? parseFrom(c) : null;
  const where = c.acceptKeyword('WHERE') ? parseExpression(c) : null;
  const groupBy: Expr[] = [];
  if (c.acceptKeyword('GROUP')) {
    c.expectKeyword('BY');
    if (c.isKeyword('GROUPING') || c.isKeyword('ROLLUP') || c.isKeyword('CUBE')) {
      throw unsupported(`GROUP BY ${c.peek().text.toUpperCase()}`, c.position, 'group by plain columns and expressions');
    }
    do groupBy.push(parseExpression(c)); while (c.acceptOp(','));
  }
  const having = c.acceptKeyword('HAVING') ? parseExpression(c) : null;
  if (c.isKeyword('WINDOW')) throw unsupported('a WINDOW clause', c.position, 'write the window in the OVER clause');
  return { kind: 'select', pos, distinct, items, from, where, groupBy, having };
}

/** An optional alias: AS name, or a name that is not a reserved word. */
function alias(c: TokenCursor): string | null {
  if (c.acceptKeyword('AS')) return c.identifier('an alias after AS');
  return c.atIdentifier() ? c.identifier() : null;
}

function columnList(c: TokenCursor): string[] {
  c.expectOp('(');
  const names = [c.identifier('a column name')];
  while (c.acceptOp(',')) names.push(c.identifier('a column name'));
  c.expectOp(')');
  return names;
}

function parseFrom(c: TokenCursor): FromItem {
  let left = parseFromPrimary(c);
  for (;;) {
    const pos = c.position;
    if (c.acceptOp(',')) {
      left = { kind: 'join', pos, type: 'comma', left, right: parseFromPrimary(c), on: null, using: null };
      continue;
    }
    if (c.isKeyword('NATURAL')) throw unsupported('NATURAL JOIN', pos, 'write the join condition with ON or USING');
    let type: 'inner' | 'left' | 'right' | 'full' | 'cross' | null = null;
    if (c.acceptKeyword('JOIN') || c.acceptKeyword('INNER', 'JOIN')) type = 'inner';
    else if (c.acceptKeyword('CROSS', 'JOIN')) type = 'cross';
    else {
      for (const [word, t] of [['LEFT', 'left'], ['RIGHT', 'right'], ['FULL', 'full']] as const) {
        if (c.isKeyword(word)) {
          c.next();
          c.acceptKeyword('OUTER');
          c.expectKeyword('JOIN');
          type = t;
          break;
        }
      }
    }
    if (type === null) return left;
    const right = parseFromPrimary(c);
    let on: Expr | null = null;
    let using: string[] | null = null;
    if (type !== 'cross') {
      if (c.acceptKeyword('ON')) on = parseExpression(c);
      else if (c.acceptKeyword('USING')) using = columnList(c);
      else throw c.expected('ON or USING after the joined table');
    }
    left = { kind: 'join', pos, type, left, right, on, using };
  }
}

function parseFromPrimary(c: TokenCursor): FromItem {
  const pos = c.position;
  if (c.isOp('(')) {
    if (startsQuery(c)) {
      c.next();
      const query = parseQuery(c);
      c.expectOp(')');
      const name = alias(c);
      return { kind: 'derived', pos, query, alias: name, columns: name !== null && c.isOp('(') ? columnList(c) : null };
    }
    c.next();
    const inner = parseFrom(c);
    c.expectOp(')');
    return inner;
  }
  const lateral = c.acceptKeyword('LATERAL');
  if (c.isKeyword('TABLE') && c.isOp('(', 1)) {
    c.next();
    c.next();
    const call = parseExpression(c);
    if (call.kind !== 'call') throw unsupported('TABLE(...) around anything but a table function call', call.pos);
    c.expectOp(')');
    const name = alias(c);
    return { kind: 'table-function', pos, call, lateral, alias: name, columns: name !== null && c.isOp('(') ? columnList(c) : null };
  }
  if (lateral) throw c.expected('TABLE(...) after LATERAL');
  if (c.isKeyword('UNNEST')) throw unsupported('UNNEST', pos, 'flatten arrays with a table function: LATERAL TABLE(fn(...))');
  const name = c.qualifiedName('a table name');
  let systemTime: Expr | null = null;
  if (c.acceptKeyword('FOR')) {
    c.expectKeyword('SYSTEM_TIME');
    c.expectKeyword('AS');
    c.expectKeyword('OF');
    systemTime = parseExpression(c);
  }
  if (c.isKeyword('MATCH_RECOGNIZE')) throw unsupported('MATCH_RECOGNIZE', c.position);
  return { kind: 'table', pos, name, alias: alias(c), systemTime };
}
