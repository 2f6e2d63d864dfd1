import type { Expr, FrameBound, OrderItem, OverSpec } from './ast.ts';
import { parseAdditive, parseExpression, timeUnit } from './parse-expression.ts';
import { unsupported, type SqlPosition } from './sql-error.ts';
import type { TokenCursor } from './token-cursor.ts';

/* Function calls, after their name: the forms with keywords inside the parentheses (EXTRACT,
 * TRIM, SUBSTRING ... FROM ... FOR, POSITION ... IN), DISTINCT and *, FILTER (WHERE ...), and
 * OVER (PARTITION BY ... ORDER BY ... frame). */

const symbol = (c: TokenCursor, name: string): Expr => ({ kind: 'symbol', pos: c.position, name });

/**
 * The arguments of a call, after its name, with the special forms that put keywords inside.
 *
 * @example
 * parseCall(cursor, 'EXTRACT', pos); // for "(HOUR FROM ts)": args [symbol HOUR, ts]
 */
export function parseCall(c: TokenCursor, name: string, pos: SqlPosition): Expr {
  c.expectOp('(');
  const upper = name.toUpperCase();
  const args: Expr[] = [];
  let distinct = false;
  let star = false;
  if (upper === 'EXTRACT') {
    const unitPos = c.position;
    const unit = timeUnit(c);
    c.expectKeyword('FROM');
    args.push({ kind: 'symbol', pos: unitPos, name: unit }, parseExpression(c));
  } else if ((upper === 'FLOOR' || upper === 'CEIL' || upper === 'CEILING') && !c.isOp(')')) {
    args.push(parseExpression(c));
    if (c.acceptKeyword('TO')) args.push(symbol(c, timeUnit(c)));
  } else if (upper === 'POSITION') {
    args.push(parseAdditive(c));
    c.expectKeyword('IN');
    args.push(parseExpression(c));
  } else if (upper === 'TRIM') {
    const side = ['BOTH', 'LEADING', 'TRAILING'].find((w) => c.acceptKeyword(w));
    args.push(symbol(c, side ?? 'BOTH'));
    if (c.acceptKeyword('FROM')) {
      args.push({ kind: 'string', pos: c.position, value: ' ' }, parseExpression(c));
    } else {
      const first = parseExpression(c);
      if (c.acceptKeyword('FROM')) args.push(first, parseExpression(c));
      else args.push({ kind: 'string', pos: c.position, value: ' ' }, first);
    }
  } else if ((upper === 'SUBSTRING' || upper === 'OVERLAY') && !c.isOp(')')) {
    args.push(parseExpression(c));
    if (c.acceptKeyword(upper === 'OVERLAY' ? 'PLACING' : 'FROM')) {
      args.push(parseExpression(c));
      if (upper === 'OVERLAY') {
        c.expectKeyword('FROM');
        args.push(parseExpression(c));
      }
      if (c.acceptKeyword('FOR')) args.push(parseExpression(c));
    } else {
      while (c.acceptOp(',')) args.push(parseExpression(c));
    }
  } else if ((upper === 'TIMESTAMPADD' || upper === 'TIMESTAMPDIFF') && !c.isOp(')')) {
    args.push(symbol(c, timeUnit(c)));
    while (c.acceptOp(',')) args.push(parseExpression(c));
  } else if (!c.isOp(')')) {
    if (c.acceptKeyword('DISTINCT')) distinct = true;
    else c.acceptKeyword('ALL');
    if (c.isOp('*') && c.isOp(')', 1)) {
      c.next();
      star = true;
    } else {
      args.push(parseExpression(c));
      while (c.acceptOp(',')) args.push(parseExpression(c));
    }
  }
  c.expectOp(')');
  let filter: Expr | null = null;
  if (c.acceptKeyword('FILTER')) {
    c.expectOp('(');
    c.expectKeyword('WHERE');
    filter = parseExpression(c);
    c.expectOp(')');
  }
  if (c.acceptKeyword('WITHIN', 'GROUP')) throw unsupported('WITHIN GROUP', pos);
  const over = c.acceptKeyword('OVER') ? parseOver(c) : null;
  return { kind: 'call', pos, name, args, distinct, star, filter, over };
}

function parseOver(c: TokenCursor): OverSpec {
  const pos = c.position;
  if (!c.isOp('(')) throw unsupported('a named window in OVER', pos, 'write the window in parentheses: OVER (PARTITION BY ... ORDER BY ...)');
  c.next();
  const partitionBy: Expr[] = [];
  if (c.acceptKeyword('PARTITION')) {
    c.expectKeyword('BY');
    do partitionBy.push(parseExpression(c)); while (c.acceptOp(','));
  }
  const orderBy = c.acceptKeyword('ORDER') ? parseOrderBy(c) : [];
  let frame: OverSpec['frame'] = null;
  const unit = c.acceptKeyword('ROWS') ? 'ROWS' : c.acceptKeyword('RANGE') ? 'RANGE' : null;
  if (unit !== null) {
    if (c.acceptKeyword('BETWEEN')) {
      const start = parseBound(c);
      c.expectKeyword('AND');
      frame = { unit, start, end: parseBound(c) };
    } else {
      frame = { unit, start: parseBound(c), end: { pos: c.position, kind: 'current-row', offset: null } };
    }
  }
  c.expectOp(')');
  return { pos, partitionBy, orderBy, frame };
}

function parseBound(c: TokenCursor): FrameBound {
  const pos = c.position;
  if (c.acceptKeyword('UNBOUNDED')) {
    if (c.acceptKeyword('PRECEDING')) return { pos, kind: 'unbounded-preceding', offset: null };
    c.expectKeyword('FOLLOWING');
    return { pos, kind: 'unbounded-following', offset: null };
  }
  if (c.acceptKeyword('CURRENT', 'ROW')) return { pos, kind: 'current-row', offset: null };
  const offset = parseAdditive(c);
  if (c.acceptKeyword('PRECEDING')) return { pos, kind: 'preceding', offset };
  c.expectKeyword('FOLLOWING');
  return { pos, kind: 'following', offset };
}

/**
 * The items of ORDER BY (after the keyword ORDER): expressions with ASC/DESC and NULLS FIRST/LAST.
 *
 * @example
 * parseOrderBy(cursor); // for "BY price DESC, dateTime"
 */
export function parseOrderBy(c: TokenCursor): OrderItem[] {
  c.expectKeyword('BY');
  const items: OrderItem[] = [];
  do {
    const pos = c.position;
    const expr = parseExpression(c);
    const descending = c.acceptKeyword('DESC');
    if (!descending) c.acceptKeyword('ASC');
    const nullsFirst = c.acceptKeyword('NULLS', 'FIRST') ? true : c.acceptKeyword('NULLS', 'LAST') ? false : null;
    items.push({ pos, expr, descending, nullsFirst });
  } while (c.acceptOp(','));
  return items;
}
