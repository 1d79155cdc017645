/**
 * Values cross Redis in node:v8's serialization format, the one structured clone and
 * worker_threads use: Date, Map, Set, RegExp, typed arrays, ArrayBuffer, BigInt, undefined,
 * NaN, -0, errors, holey arrays and cycles survive, as with the thread backend.
 *
 * Decoding never runs code: the format has no functions, and objects come back as plain
 * objects (a "__proto__" key is an own property, not a prototype). Class instances lose their
 * class and become plain objects, as with structured clone. And decoding never costs more than a
 * small constant times the payload's size: payload-check.ts scans the bytes before V8 reads them.
 */
import { deserialize, serialize } from 'node:v8';
import { checkPayload, PayloadError } from './payload-check.js';

/** Throws a DataCloneError for what structured clone refuses (functions, symbols, sockets...). */
export function encodeValue(value: unknown): Buffer {
  return serialize(value);
}

/** Throws a PayloadError when the bytes are not a payload that decodes at bounded cost. */
export function decodeValue(bytes: Uint8Array): unknown {
  checkPayload(bytes);
  try {
    return deserialize(bytes);
  } catch (error) {
    // The scan passed it, V8 refused it (a count that does not match, an invalid RegExp...).
    throw new PayloadError(`v8 could not decode it (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}
