/**
 * Reads a call's input (array, iterable or async iterable, possibly infinite) in chunks, lazily:
 * nothing is pulled before a chunk is needed.
 */
import { estimateBytes } from './byte-size.js';

export type Input<T> = Iterable<T> | AsyncIterable<T>;

/** A chunk as read, with its estimated size (0 when the read was not bounded by bytes). */
export interface Chunk<T> {
  items: T[];
  bytes: number;
}

export interface ChunkReader<T> {
  /**
   * Up to `size` items; fewer (or none) at the end of the input, or when they reach `maxBytes`
   * (estimated; at least one item is read). With `maxBytes` Infinity nothing is measured.
   */
  read(size: number, maxBytes: number): Chunk<T> | Promise<Chunk<T>>;
  /** Stops the underlying iterator early (its finally blocks run). */
  close(): Promise<void>;
}

/** The input's length when it is known without iterating it. */
export function knownLength(input: unknown): number | undefined {
  if (Array.isArray(input)) return input.length;
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) return (input as unknown as { length: number }).length;
  if (input instanceof Set || input instanceof Map) return input.size;
  return undefined;
}

export function isInput(input: unknown): input is Input<unknown> {
  return (
    typeof input === 'object' &&
    input !== null &&
    (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

/** Items of an array looked at to estimate a chunk of it: arrays hold items of one make. */
const arraySample = 16;

export function chunkReader<T>(input: Input<T>): ChunkReader<T> {
  if (Array.isArray(input)) return arrayReader(input);
  if (typeof (input as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    return asyncReader((input as AsyncIterable<T>)[Symbol.asyncIterator]());
  }
  return syncReader((input as Iterable<T>)[Symbol.iterator]());
}

function arrayReader<T>(items: readonly T[]): ChunkReader<T> {
  let position = 0;
  return {
    read(size, maxBytes) {
      const chunk = items.slice(position, position + size);
      if (!Number.isFinite(maxBytes) || chunk.length === 0) {
        position += chunk.length;
        return { items: chunk, bytes: 0 };
      }
      // A sample, not every item: reading a large array of numbers must stay a slice.
      const step = Math.max(1, Math.floor(chunk.length / arraySample));
      let sampled = 0;
      let sampledBytes = 0;
      for (let i = 0; i < chunk.length; i += step, sampled++) sampledBytes += estimateBytes(chunk[i]);
      const perItem = sampledBytes / sampled;
      const fits = Math.max(1, Math.min(chunk.length, Math.floor(maxBytes / perItem)));
      if (fits < chunk.length) chunk.length = fits;
      position += chunk.length;
      return { items: chunk, bytes: perItem * chunk.length };
    },
    close: async () => {},
  };
}

/**
 * An iterator that throws ends the input there: the items read before the throw are returned
 * first, and the next read throws, so that the call fails at the failure's position.
 */
function syncReader<T>(iterator: Iterator<T>): ChunkReader<T> {
  let done = false;
  let failure: { error: unknown } | undefined;
  return {
    read(size, maxBytes) {
      if (failure !== undefined) throw failure.error;
      const measure = Number.isFinite(maxBytes);
      const chunk: T[] = [];
      let bytes = 0;
      while (!done && chunk.length < size) {
        let step: IteratorResult<T>;
        try {
          step = iterator.next();
        } catch (error) {
          done = true;
          if (chunk.length === 0) throw error;
          failure = { error };
          break;
        }
        if (step.done) done = true;
        else {
          chunk.push(step.value);
          if (measure && (bytes += estimateBytes(step.value)) >= maxBytes) break;
        }
      }
      return { items: chunk, bytes };
    },
    async close() {
      if (!done) {
        done = true;
        iterator.return?.();
      }
    },
  };
}

function asyncReader<T>(iterator: AsyncIterator<T>): ChunkReader<T> {
  let done = false;
  let failure: { error: unknown } | undefined;
  return {
    async read(size, maxBytes) {
      if (failure !== undefined) throw failure.error;
      const measure = Number.isFinite(maxBytes);
      const chunk: T[] = [];
      let bytes = 0;
      while (!done && chunk.length < size) {
        let step: IteratorResult<T>;
        try {
          step = await iterator.next();
        } catch (error) {
          done = true;
          if (chunk.length === 0) throw error;
          failure = { error };
          break;
        }
        if (step.done) done = true;
        else {
          chunk.push(step.value);
          if (measure && (bytes += estimateBytes(step.value)) >= maxBytes) break;
        }
      }
      return { items: chunk, bytes };
    },
    async close() {
      if (!done) {
        done = true;
        await iterator.return?.();
      }
    },
  };
}
