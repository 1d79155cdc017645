/**
 * Values cross Redis in node:v8's serialization format, the one structured clone and
 * worker_threads use: Date, Map, Set, RegExp, typed arrays, ArrayBuffer, BigInt, undefined,
 * NaN, -0, sparse arrays and cycles survive, exactly as with the thread backend. BullMQ stores
 * job data and return values as JSON, so the bytes travel as one base64 string.
 *
 * Decoding never runs code: the format has no functions, and objects come back as plain
 * objects (a "__proto__" key is an own property, not a prototype). Class instances lose their
 * class and become plain objects, as with structured clone.
 */
import { deserialize, serialize } from 'node:v8';

/** Throws a DataCloneError for what structured clone refuses (functions, symbols, sockets...). */
export function encodeValue(value: unknown): string {
  return serialize(value).toString('base64');
}

/** Throws when `text` is not an encoded value: data from Redis is never trusted to be well formed. */
export function decodeValue(text: unknown): unknown {
  if (typeof text !== 'string') throw new TypeError(`expected a base64 string from Redis, got ${typeof text}`);
  return deserialize(Buffer.from(text, 'base64'));
}
