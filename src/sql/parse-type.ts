import type { TypeSpec } from './ast.ts';
import type { TokenCursor } from './token-cursor.ts';

const TWO_WORD = new Map([['DOUBLE', 'PRECISION'], ['CHARACTER', 'VARYING']]);

/**
 * Reads a data type: a name with optional parameters, ROW<...>/ROW(...), ARRAY<...>,
 * MULTISET<...>, MAP<..., ...>, the TIME ZONE suffixes and NOT NULL.
 *
 * @example
 * parseType(new TokenCursor(tokenize('DECIMAL(23, 3) NOT NULL'))); // { name: 'DECIMAL', params: [23, 3], notNull: true, ... }
 */
export function parseType(c: TokenCursor): TypeSpec {
  const pos = c.position;
  const first = c.peek();
  if (first.type !== 'ident') throw c.expected('a data type');
  c.next();
  let name = first.text.toUpperCase();
  const second = TWO_WORD.get(name);
  if (second !== undefined && c.acceptKeyword(second)) name = `${name} ${second}`;
  const params: number[] = [];
  const fields: { name: string; type: TypeSpec }[] = [];
  const elements: TypeSpec[] = [];
  if (name === 'ROW' && (c.isOp('<') || c.isOp('('))) {
    const close = c.isOp('<') ? '>' : ')';
    c.next();
    if (!c.isOp(close)) {
      do {
        const fieldName = c.identifier('a field name');
        fields.push({ name: fieldName, type: parseType(c) });
        if (c.peek().type === 'string') c.next(); // a field's comment
      } while (c.acceptOp(','));
    }
    c.expectOp(close);
  } else if ((name === 'ARRAY' || name === 'MULTISET' || name === 'MAP') && c.acceptOp('<')) {
    elements.push(parseType(c));
    if (name === 'MAP') {
      c.expectOp(',');
      elements.push(parseType(c));
    }
    c.expectOp('>');
  } else if (c.acceptOp('(')) {
    params.push(c.integer('a type parameter'));
    while (c.acceptOp(',')) params.push(c.integer('a type parameter'));
    c.expectOp(')');
  }
  let localTimeZone = false;
  if ((name === 'TIMESTAMP' || name === 'TIME') && c.isKeyword('WITH')) {
    if (c.acceptKeyword('WITH', 'LOCAL', 'TIME', 'ZONE')) localTimeZone = true;
    else throw c.expected('WITH LOCAL TIME ZONE');
  } else if ((name === 'TIMESTAMP' || name === 'TIME') && c.isKeyword('WITHOUT')) {
    c.expectKeyword('WITHOUT', 'TIME', 'ZONE');
  }
  let notNull = false;
  if (c.acceptKeyword('NOT', 'NULL')) notNull = true;
  else c.acceptKeyword('NULL');
  return { pos, name, params, fields, elements, notNull, localTimeZone };
}
