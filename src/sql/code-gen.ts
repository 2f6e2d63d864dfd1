import type { BoundExpr } from './bound-expr.ts';
import { SCALAR_FUNCTIONS } from './scalar-functions.ts';
import { sqlRuntime, type SqlRuntime } from './sql-runtime.ts';
import { isInteger, type SqlType } from './sql-type.ts';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `obj.name` or `obj["name"]`: a property read that any column name is safe in. */
export const prop = (obj: string, name: string): string => (IDENT.test(name) ? `${obj}.${name}` : `${obj}[${JSON.stringify(name)}]`);

/** An object literal key for any column name. */
export const key = (name: string): string => (IDENT.test(name) ? name : JSON.stringify(name));

/**
 * Compiles bound expressions to JavaScript source, once per query. Each expression becomes one
 * JavaScript expression over the record `r`; NULL is null, and SQL's three-valued logic and NULL
 * propagation are written out with temporaries (`t0`, `t1`, ...), so no AST is walked per record.
 * Values that are built once (regular expressions, date formatters, user functions) are
 * constants `k[i]`; SQL's helpers are `rt`.
 */
export class CodeGen {
  private temps = 0;
  readonly constants: unknown[] = [];
  readonly runtime: SqlRuntime = sqlRuntime;

  temp(): string {
    return `t${this.temps++}`;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }

  /** `let t0, t1, ...;` for the temporaries the compiled expressions use. */
  declarations(): string {
    return this.temps === 0 ? '' : `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
  }

  /**
   * Makes a function from compiled source: `params` and `body` may use `rt`, `k` and the
   * temporaries.
   */
  build<F>(params: string, body: string): F {
    // Compiling each query once to plain functions is what keeps the per-record path free of the AST.
    const make = new Function('rt', 'k', `"use strict"; return function sql(${params}) { ${this.declarations()} ${body} };`);
    return make(this.runtime, this.constants) as F;
  }

  /** The JavaScript for a bound expression over the record variable `r`. */
  expr(e: BoundExpr): string {
    switch (e.kind) {
      case 'column':
        // A missing property (a JSON field left out) is NULL, as is undefined from a user's stream.
        return e.type.nullable ? `(${prop('r', e.prop)} ?? null)` : prop('r', e.prop);
      case 'field': {
        if (!e.operand.type.nullable) return `(${prop(this.expr(e.operand), e.name)} ?? null)`;
        const t = this.temp();
        return `((${t} = ${this.expr(e.operand)}) === null ? null : (${prop(t, e.name)} ?? null))`;
      }
      case 'literal':
        return e.value === null ? 'null' : typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
      case 'case': {
        let code = this.expr(e.otherwise);
        for (let i = e.whens.length - 1; i >= 0; i--) code = `(${this.expr(e.whens[i].when)} === true ? ${this.expr(e.whens[i].then)} : ${code})`;
        return code;
      }
      case 'cast':
        return this.strict([e.operand], ([v]) => this.cast(v, e.operand.type, e.type, e.try));
      case 'udf': {
        const fn = this.constant(e.fn);
        return `(${fn}(${e.args.map((a) => this.expr(a)).join(', ')}) ?? null)`;
      }
      case 'call':
        return this.call(e);
    }
  }

  /**
   * Code that is NULL when any argument is NULL, else `body` of the argument values. Arguments
   * that cannot be NULL are not checked; any that are not a plain read go through a temporary,
   * so each argument is computed once.
   */
  strict(args: readonly BoundExpr[], body: (vals: string[]) => string): string {
    const checks: string[] = [];
    const assigns: string[] = [];
    const vals = args.map((a) => {
      const code = this.expr(a);
      if (!a.type.nullable && (a.kind === 'literal' || a.kind === 'column')) return code;
      const t = this.temp();
      if (a.type.nullable) checks.push(`(${t} = ${code}) === null`);
      else assigns.push(`${t} = ${code}`);
      return t;
    });
    const result = body(vals);
    const guarded = checks.length === 0 ? result : `${checks.join(' || ')} ? null : ${result}`;
    return assigns.length === 0 && checks.length === 0 ? `(${result})` : `(${[...assigns, guarded].join(', ')})`;
  }

  private call(e: BoundExpr & { kind: 'call' }): string {
    const [a, b] = e.args;
    switch (e.fn) {
      case 'AND': return this.logic('&&', 'rt.and3', a, b);
      case 'OR': return this.logic('||', 'rt.or3', a, b);
      case 'NOT': return this.strict([a], ([v]) => `!${v}`);
      case 'IS NULL': return `(${this.expr(a)} === null)`;
      case 'IS NOT NULL': return `(${this.expr(a)} !== null)`;
      case 'IS TRUE': return `(${this.expr(a)} === true)`;
      case 'IS NOT TRUE': return `(${this.expr(a)} !== true)`;
      case 'IS FALSE': return `(${this.expr(a)} === false)`;
      case 'IS NOT FALSE': return `(${this.expr(a)} !== false)`;
      case 'COALESCE': {
        let code = this.expr(e.args[e.args.length - 1]);
        for (let i = e.args.length - 2; i >= 0; i--) {
          const t = this.temp();
          code = `((${t} = ${this.expr(e.args[i])}) !== null ? ${t} : ${code})`;
        }
        return code;
      }
      case 'NULLIF': {
        const [t, u] = [this.temp(), this.temp()];
        return `((${t} = ${this.expr(a)}) === null ? null : ((${u} = ${this.expr(b)}) !== null && ${u} === ${t} ? null : ${t}))`;
      }
      case 'IF': return `(${this.expr(a)} === true ? ${this.expr(b)} : ${this.expr(e.args[2])})`;
      case 'IN SET': {
        // x IN (literals): a Set built once; NULL when x is NULL, or when not found and the list has NULL.
        const values = JSON.parse(String((e.args[1] as BoundExpr & { kind: 'literal' }).value)) as unknown[];
        const listHasNull = (e.args[2] as BoundExpr & { kind: 'literal' }).value === true;
        const set = this.constant(new Set(values));
        return this.strict([a], ([v]) => `(${set}.has(${v}) ? true : ${listHasNull ? 'null' : 'false'})`);
      }
      case 'LIKE': {
        const re = this.constant(new RegExp(String((e.args[1] as BoundExpr & { kind: 'literal' }).value)));
        return this.strict([a], ([v]) => `${re}.test(${v})`);
      }
      case '=': return this.strict([a, b], ([x, y]) => `${x} === ${y}`);
      case '<>': return this.strict([a, b], ([x, y]) => `${x} !== ${y}`);
      case '<': case '<=': case '>': case '>=': return this.strict([a, b], ([x, y]) => `${x} ${e.fn} ${y}`);
      case 'NEG': return this.strict([a], ([v]) => `(-${v})`);
      case '+': case '-': case '*': case '/': case '%': return this.arithmetic(e);
      case '||': return this.strict([a, b], ([x, y]) => `${x} + ${y}`);
      default: {
        const f = SCALAR_FUNCTIONS.get(e.fn);
        if (f === undefined) throw new Error(`internal: no code for the SQL function ${e.fn}`);
        if (f.strict) return this.strict(e.args, (vals) => f.code(vals, this, e.args, e.pos));
        return f.code(e.args.map((x) => this.expr(x)), this, e.args, e.pos);
      }
    }
  }

  private logic(op: '&&' | '||', threeValued: string, a: BoundExpr, b: BoundExpr): string {
    if (!a.type.nullable && !b.type.nullable) return `(${this.expr(a)} ${op} ${this.expr(b)})`;
    return `${threeValued}(${this.expr(a)}, ${this.expr(b)})`;
  }

  private arithmetic(e: BoundExpr & { kind: 'call' }): string {
    const [a, b] = e.args;
    const int = isInteger(e.type);
    // DECIMAL literal times an integer (Nexmark's 0.908 * price): multiply by the literal's digits
    // and divide once, so the result is the double nearest the exact decimal product.
    if (e.fn === '*' && e.type.name === 'DECIMAL') {
      const [lit, other] = a.kind === 'literal' ? [a, b] : b.kind === 'literal' ? [b, a] : [null, null];
      if (lit !== null && other !== null && isInteger(other.type) && typeof lit.value === 'number') {
        const scale = lit.type.scale ?? 0;
        const digits = Math.round(lit.value * 10 ** scale);
        if (Number.isSafeInteger(digits)) return this.strict([other], ([v]) => `(${v} * ${digits}) / ${10 ** scale}`);
      }
    }
    return this.strict([a, b], ([x, y]) => {
      if (e.fn === '/' && int) return `rt.idiv(${x}, ${y})`;
      if (e.fn === '%' && int) return `rt.imod(${x}, ${y})`;
      const plain = `${x} ${e.fn} ${y}`;
      // INT and smaller wrap around on overflow as Java's int does; BIGINT is exact up to 2^53.
      return int && e.type.name !== 'BIGINT' ? `(${plain}) | 0` : plain;
    });
  }

  private cast(v: string, from: SqlType, to: SqlType, orNull: boolean): string {
    const f = from.name;
    switch (to.name) {
      case 'TINYINT': case 'SMALLINT': case 'INT': case 'BIGINT':
        if (f === 'STRING') return `rt.parseInteger(${v}, ${orNull})`;
        if (f === 'BOOLEAN') return `(${v} ? 1 : 0)`;
        return isInteger(from) ? v : `Math.trunc(${v})`;
      case 'FLOAT': case 'DOUBLE': case 'DECIMAL':
        if (f === 'STRING') return `rt.parseNumber(${v}, ${orNull})`;
        if (f === 'BOOLEAN') return `(${v} ? 1 : 0)`;
        if (to.name === 'DECIMAL' && to.scale !== undefined) return `(Math.round(${v} * ${10 ** to.scale}) / ${10 ** to.scale})`;
        return v;
      case 'STRING':
        if (f === 'TIMESTAMP' || f === 'TIMESTAMP_LTZ') return `rt.timestampText(${v})`;
        if (f === 'BOOLEAN') return `(${v} ? 'TRUE' : 'FALSE')`;
        if (f === 'DOUBLE' || f === 'FLOAT') return `rt.doubleText(${v})`;
        return `String(${v})`;
      case 'BOOLEAN':
        if (f === 'STRING') return `rt.parseBoolean(${v}, ${orNull})`;
        return f === 'BOOLEAN' ? v : `(${v} !== 0)`;
      case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
        if (f === 'STRING') return orNull ? `rt.parseTimestamp(${v})` : `rt.toMillis(${v})`;
        return v;
      default:
        return v;
    }
  }
}
