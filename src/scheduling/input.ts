/**
 * Reads a call's input (array, iterable or async iterable, possibly infinite) in chunks, lazily:
 * nothing is pulled before a chunk is needed.
 */

export type Input<T> = Iterable<T> | AsyncIterable<T>;

export interface ChunkReader<T> {
  /**
   * Up to `size` items; fewer (or none) at the end of the input, or when `full(item)`, called
   * after each item is taken, says the chunk holds enough.
   */
  read(size: number, full?: (item: T) => boolean): T[] | Promise<T[]>;
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
    read(size, full) {
      if (full === undefined) {
        const chunk = items.slice(position, position + size);
        position += chunk.length;
        return chunk;
      }
      const chunk: T[] = [];
      while (position < items.length && chunk.length < size) {
        const item = items[position++]!;
        chunk.push(item);
        if (full(item)) break;
      }
      return chunk;
    },
    close: async () => {},
  };
}

function syncReader<T>(iterator: Iterator<T>): ChunkReader<T> {
  let done = false;
  return {
    read(size, full) {
      const chunk: T[] = [];
      while (!done && chunk.length < size) {
        const step = iterator.next();
        if (step.done) done = true;
        else {
          chunk.push(step.value);
          if (full?.(step.value) === true) break;
        }
      }
      return chunk;
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
  return {
    async read(size, full) {
      const chunk: T[] = [];
      while (!done && chunk.length < size) {
        const step = await iterator.next();
        if (step.done) done = true;
        else {
          chunk.push(step.value);
          if (full?.(step.value) === true) break;
        }
      }
      return chunk;
    },
    async close() {
      if (!done) {
        done = true;
        await iterator.return?.();
      }
    },
  };
}
