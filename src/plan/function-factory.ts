/**
 * Makes the instance of a user function that one task runs. Plan nodes hold factories, not the
 * objects themselves, so that every task (each partition task of a scale-out job, each attempt
 * after a restart) gets an instance of its own: `open` keeps the task's state handles in the
 * object's fields, which tasks must not share.
 *
 * @example
 * const make = instancePerTask(new Dedupe()); const fn = make(); // the Dedupe the user built
 */
export type FunctionFactory<F> = () => F;

/**
 * The factory for a function the user handed the builder. The first instance is the user's own
 * object (a job with one task runs exactly what was built); every later one is a copy of the
 * object as it was when the job was built: the same prototype (hence the same methods), own
 * fields copied deeply where they hold data (arrays, plain objects, Map, Set, Date), and shared
 * where they hold anything else (functions, class instances such as clients and pools). So a
 * field set in the constructor is per task if it is data; a connection is made in `open`.
 * A plain function (a lambda) holds no fields and is shared.
 *
 * @example
 * planNode({ kind: 'process', id: 2, name: 'dedupe', uid: null, inputs: [1], fn: instancePerTask(new Dedupe()) });
 */
export function instancePerTask<F>(fn: F): FunctionFactory<F> {
  if (typeof fn !== 'object' || fn === null) return () => fn;
  const template = copyObject(fn);
  let first = true;
  return () => {
    if (!first) return copyObject(template);
    first = false;
    return fn;
  };
}

/** The object with its prototype, own fields copied as `instancePerTask` says. */
function copyObject<F extends object>(o: F): F {
  const copy = Object.create(Object.getPrototypeOf(o) as object | null) as F;
  for (const key of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    if ('value' in d) d.value = copyData(d.value);
    Object.defineProperty(copy, key, d);
  }
  return copy;
}

/** Data copied deeply; anything else (functions, class instances) shared. */
function copyData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copyData);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copyData(x)]));
  if (v instanceof Set) return new Set([...v].map(copyData));
  if (v instanceof Date) return new Date(v.getTime());
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return copyObject(v);
  return v;
}
