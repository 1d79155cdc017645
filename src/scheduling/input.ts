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

function syncReader<T>(iterator: Iterator<T>): ChunkReader<T> {
  const input = new IteratorInput<T>();
  return {
    read(size, maxBytes) {
      const chunk = input.begin();
      while (input.wants(chunk, size, maxBytes)) input.take(chunk, nextOf(iterator), maxBytes);
      return chunk;
    },
    async close() {
      if (input.end()) iterator.return?.();
    },
  };
}

function asyncReader<T>(iterator: AsyncIterator<T>): ChunkReader<T> {
  const input = new IteratorInput<T>();
  return {
    async read(size, maxBytes) {
      const chunk = input.begin();
      while (input.wants(chunk, size, maxBytes)) input.take(chunk, await nextOfAsync(iterator), maxBytes);
      return chunk;
    },
    async close() {
      if (input.end()) await iterator.return?.();
    },
  };
}

/** What next() threw, kept as a value so that one `take` handles items, the end and failures. */
class Failure {
  constructor(readonly error: unknown) {}
}

function nextOf<T>(iterator: Iterator<T>): IteratorResult<T> | Failure {
  try {
    return iterator.next();
  } catch (error) {
    return new Failure(error);
  }
}

async function nextOfAsync<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T> | Failure> {
  try {
    return await iterator.next();
  } catch (error) {
    return new Failure(error);
  }
}

/**
 * An iterator read in chunks, the same way whether it is sync or async. An iterator that throws
 * ends the input there: the items read before the throw are returned first, and the next read
 * throws, so that the call fails at the failure's position.
 */
class IteratorInput<T> {
  #done = false;
  #failure: Failure | undefined;

  /** A new, empty chunk; throws instead if the input failed after the last chunk it gave. */
  begin(): Chunk<T> {
    if (this.#failure !== undefined) throw this.#failure.error;
    return { items: [], bytes: 0 };
  }

  /**
   * Whether to read another item: the input goes on, and the chunk is short of `size` and of
   * `maxBytes` (which, Infinity, measures nothing); one item is read in any case.
   */
  wants(chunk: Chunk<T>, size: number, maxBytes: number): boolean {
    return !this.#done && chunk.items.length < size && (chunk.items.length === 0 || chunk.bytes < maxBytes);
  }

  take(chunk: Chunk<T>, step: IteratorResult<T> | Failure, maxBytes: number): void {
    if (step instanceof Failure) {
      this.#done = true;
      if (chunk.items.length === 0) throw step.error;
      this.#failure = step;
    } else if (step.done) {
      this.#done = true;
    } else {
      chunk.items.push(step.value);
      if (Number.isFinite(maxBytes)) chunk.bytes += estimateBytes(step.value);
    }
  }

  /** Marks the input ended; true if it had not ended yet, so that the iterator is to be stopped. */
  end(): boolean {
    const wasOpen = !this.#done;
    this.#done = true;
    return wasOpen;
  }
}
