import type { Key } from '../functions/key.ts';

/**
 * The key the runtime is processing right now. Keyed operators set it before calling user code;
 * state handles read it. A mutable cell on purpose: it changes on every record.
 *
 * @example
 * const kc = new KeyContext(); kc.current = 'user-1';
 */
export class KeyContext {
  current: Key = '';
}
