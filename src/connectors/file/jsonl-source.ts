import type { Source } from '../source.ts';
import { fileSource, type FileSourceOptions } from './file-source.ts';

/**
 * Options of the JSON Lines source.
 *
 * @example
 * sources.jsonl<Click>('logs/', { match: /\.jsonl$/, validate: (v) => v as Click });
 */
export interface JsonlSourceOptions<T> extends FileSourceOptions {
  /** Checks or converts each parsed value; throw to reject the line (it becomes a dead letter). */
  readonly validate?: (value: unknown) => T;
}

/**
 * One JSON value per line, from a file or a directory of files. Malformed lines go to the dead-letter
 * output with file and line.
 *
 * @example
 * sources.jsonl<Click>('clicks.jsonl', { validate: (v) => { if (typeof (v as Click).ts !== 'number') throw new Error('ts must be a number'); return v as Click; } });
 */
export function jsonlSource<T>(path: string, options: JsonlSourceOptions<T> = {}): Source<T> {
  const validate = options.validate;
  return fileSource<T>(path, {
    kind: 'jsonl',
    hasHeader: false,
    parse(line) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new Error(`invalid JSON: ${(e as Error).message}`);
      }
      return validate === undefined ? (value as T) : validate(value);
    },
  }, options);
}
