import type { ColumnDefinition, CreateTable, Statement, TableOption } from './ast.ts';
import { parseExpression } from './parse-expression.ts';
import { parseQuery, startsQuery } from './parse-query.ts';
import { parseType } from './parse-type.ts';
import { SqlError, unsupported } from './sql-error.ts';
import { TokenCursor } from './token-cursor.ts';
import { tokenize } from './tokenize.ts';

/**
 * Parses SQL text in Flink SQL's dialect: statements separated by semicolons. Syntax errors say
 * what was expected, what was found, and where.
 *
 * @example
 * const [create, insert] = parseSql(`CREATE TABLE t (a BIGINT) WITH ('connector' = 'datagen');
 *   INSERT INTO out SELECT a + 1 FROM t;`);
 */
export function parseSql(text: string): Statement[] {
  const c = new TokenCursor(tokenize(text));
  const statements: Statement[] = [];
  while (!c.atEnd()) {
    if (c.acceptOp(';')) continue;
    statements.push(parseStatement(c));
    if (!c.atEnd() && !c.acceptOp(';')) throw c.expected("';' or the end of the statement");
  }
  return statements;
}

/**
 * Parses exactly one statement (a trailing semicolon is allowed).
 *
 * @example
 * parseOne('SELECT 1'); // { kind: 'query', ... }
 */
export function parseOne(text: string): Statement {
  const all = parseSql(text);
  if (all.length !== 1) {
    const at = all[1]?.pos ?? { line: 1, column: 1 };
    throw new SqlError(`expected one statement, found ${all.length}`, at, all.length === 0 ? null : 'run a script of several statements with executeSql, one at a time');
  }
  return all[0];
}

function parseStatement(c: TokenCursor): Statement {
  const pos = c.position;
  if (startsQuery(c)) return { kind: 'query', pos, query: parseQuery(c) };
  if (c.acceptKeyword('CREATE')) return parseCreate(c, pos);
  if (c.acceptKeyword('INSERT')) {
    const overwrite = c.acceptKeyword('OVERWRITE');
    if (!overwrite) c.expectKeyword('INTO');
    const table = c.qualifiedName('a table name');
    if (c.isKeyword('PARTITION')) throw unsupported('INSERT ... PARTITION', c.position, 'write the partition columns in the SELECT');
    const columns = c.isOp('(') && !startsQuery(c) ? names(c) : null;
    return { kind: 'insert', pos, table, columns, overwrite, query: parseQuery(c) };
  }
  if (c.acceptKeyword('DROP')) {
    const temporary = c.acceptKeyword('TEMPORARY');
    c.acceptKeyword('SYSTEM');
    const what = (['TABLE', 'VIEW', 'FUNCTION'] as const).find((w) => c.acceptKeyword(w));
    if (what === undefined) throw c.expected('TABLE, VIEW or FUNCTION after DROP');
    const ifExists = c.acceptKeyword('IF', 'EXISTS');
    return { kind: 'drop', pos, what, name: c.qualifiedName(), temporary, ifExists };
  }
  if (c.acceptKeyword('SET')) {
    if (c.atEnd() || c.isOp(';')) return { kind: 'set', pos, key: null, value: null };
    const key = c.string("the option's key in quotes, as in SET 'parallelism.default' = '1'");
    c.expectOp('=');
    return { kind: 'set', pos, key, value: c.string("the option's value in quotes") };
  }
  if (c.acceptKeyword('EXPLAIN')) {
    c.acceptKeyword('PLAN', 'FOR');
    return { kind: 'explain', pos, statement: parseStatement(c) };
  }
  for (const word of ['ALTER', 'USE', 'SHOW', 'DESCRIBE', 'DESC', 'BEGIN', 'EXECUTE', 'LOAD', 'UNLOAD', 'RESET', 'ANALYZE', 'DELETE', 'UPDATE']) {
    if (c.isKeyword(word)) throw unsupported(`${word} statements`, pos, 'Eddy runs CREATE TABLE/VIEW/FUNCTION, INSERT INTO and SELECT');
  }
  throw c.expected('a statement (SELECT, INSERT INTO, CREATE TABLE, CREATE VIEW ...)');
}

function names(c: TokenCursor): string[] {
  c.expectOp('(');
  const list = [c.identifier('a column name')];
  while (c.acceptOp(',')) list.push(c.identifier('a column name'));
  c.expectOp(')');
  return list;
}

function parseCreate(c: TokenCursor, pos: { line: number; column: number }): Statement {
  const temporary = c.acceptKeyword('TEMPORARY');
  const system = c.acceptKeyword('SYSTEM');
  if (c.acceptKeyword('TABLE')) {
    if (system) throw c.expected('FUNCTION after SYSTEM');
    return parseCreateTable(c, pos, temporary);
  }
  if (c.acceptKeyword('VIEW')) {
    const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
    const name = c.qualifiedName('a view name');
    const columns = c.isOp('(') ? names(c) : null;
    c.expectKeyword('AS');
    return { kind: 'create-view', pos, name, temporary, ifNotExists, columns, query: parseQuery(c) };
  }
  if (c.acceptKeyword('FUNCTION')) {
    const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
    const name = c.qualifiedName('a function name');
    c.expectKeyword('AS');
    const className = c.string("the function's class name in quotes");
    const language = c.acceptKeyword('LANGUAGE') ? c.identifier('a language').toUpperCase() : null;
    return { kind: 'create-function', pos, name, temporary, system, ifNotExists, className, language };
  }
  if (c.isKeyword('CATALOG') || c.isKeyword('DATABASE')) throw unsupported(`CREATE ${c.peek().text.toUpperCase()}`, pos, 'tables live in one built-in catalog');
  throw c.expected('TABLE, VIEW or FUNCTION after CREATE');
}

function parseCreateTable(c: TokenCursor, pos: { line: number; column: number }, temporary: boolean): CreateTable {
  const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
  const name = c.qualifiedName('a table name');
  const columns: ColumnDefinition[] = [];
  let watermark: CreateTable['watermark'] = null;
  let primaryKey: CreateTable['primaryKey'] = null;
  if (c.acceptOp('(')) {
    do {
      const at = c.position;
      if (c.acceptKeyword('WATERMARK')) {
        c.expectKeyword('FOR');
        const column = c.identifier('the time column');
        c.expectKeyword('AS');
        watermark = { pos: at, column, expr: parseExpression(c) };
        continue;
      }
      if (c.acceptKeyword('CONSTRAINT')) c.identifier('a constraint name');
      if (c.acceptKeyword('PRIMARY')) {
        c.expectKeyword('KEY');
        const keyColumns = names(c);
        primaryKey = { pos: at, columns: keyColumns, enforced: !c.acceptKeyword('NOT', 'ENFORCED') };
        continue;
      }
      const column = c.identifier('a column name');
      if (c.acceptKeyword('AS')) {
        const expr = parseExpression(c);
        columns.push({ kind: 'computed', pos: at, name: column, expr, comment: comment(c) });
        continue;
      }
      const type = parseType(c);
      if (c.acceptKeyword('METADATA')) {
        const from = c.acceptKeyword('FROM') ? c.string('the metadata key in quotes') : null;
        columns.push({ kind: 'metadata', pos: at, name: column, type, from, virtual: c.acceptKeyword('VIRTUAL') });
        continue;
      }
      if (c.acceptKeyword('PRIMARY')) {
        c.expectKeyword('KEY');
        primaryKey = { pos: at, columns: [column], enforced: !c.acceptKeyword('NOT', 'ENFORCED') };
      }
      columns.push({ kind: 'physical', pos: at, name: column, type, comment: comment(c) });
    } while (c.acceptOp(','));
    c.expectOp(')');
  }
  comment(c);
  let partitionedBy: string[] = [];
  if (c.acceptKeyword('PARTITIONED')) {
    c.expectKeyword('BY');
    partitionedBy = names(c);
  }
  const options: TableOption[] = [];
  if (c.acceptKeyword('WITH')) {
    c.expectOp('(');
    do {
      const at = c.position;
      const key = c.string("an option's key in quotes, as in 'connector' = 'jsonl'");
      c.expectOp('=');
      options.push({ pos: at, key, value: c.string("the option's value in quotes") });
    } while (c.acceptOp(','));
    c.expectOp(')');
  }
  let like: CreateTable['like'] = null;
  if (c.isKeyword('LIKE')) {
    const at = c.position;
    c.next();
    like = { pos: at, name: c.qualifiedName('a table name') };
    if (c.isOp('(')) throw unsupported('LIKE options', c.position, 'LIKE copies the columns, watermark and options, and WITH overrides options');
  }
  return { kind: 'create-table', pos, name, temporary, ifNotExists, columns, watermark, primaryKey, partitionedBy, options, like };
}

function comment(c: TokenCursor): string | null {
  return c.acceptKeyword('COMMENT') ? c.string('a comment in quotes') : null;
}
