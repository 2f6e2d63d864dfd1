/**
 * A place in SQL text: 1-based line and column.
 *
 * @example
 * const at: SqlPosition = { line: 3, column: 14 };
 */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A SQL statement Eddy cannot parse, bind or run: what is wrong, where (line and column of the
 * statement text), and, where there is one, the nearest form Eddy does support.
 *
 * @example
 * try { await tEnv.executeSql('SELECT * FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), INTERVAL \'1\' MINUTE))'); }
 * catch (e) { if (e instanceof SqlError) console.log(e.line, e.column, e.hint); }
 */
export class SqlError extends Error {
  readonly line: number;
  readonly column: number;
  /** The nearest supported form, or null. */
  readonly hint: string | null;

  constructor(what: string, at: SqlPosition, hint: string | null = null) {
    super(`${what} (at line ${at.line}, column ${at.column})${hint === null ? '' : `; ${hint}`}`);
    this.name = 'SqlError';
    this.line = at.line;
    this.column = at.column;
    this.hint = hint;
  }
}

/** An error for SQL that parses but that Eddy does not run yet, with the nearest supported form. */
export function unsupported(what: string, at: SqlPosition, hint: string | null = null): SqlError {
  return new SqlError(`${what} is not supported yet`, at, hint);
}
