/**
 * The constant key every record of a windowAll gets: the keyed window operators do the work.
 * Scale-out recognizes a windowAll by its key-by node's key function being `allKey`.
 *
 * @example
 * planNode({ kind: 'key-by', id: 2, name: 'window-all', uid: null, inputs: [1], key: allKey });
 */
export const ALL_KEY = 0;
/** The key function of windowAll. @example allKey(); // 0 */
export const allKey = (): number => ALL_KEY;
