/**
 * Reads a call's input (array, iterable or async iterable, possibly infinite) in chunks, lazily:
 * nothing is pulled before a chunk is needed.
 */

export type Input<T> = Iterable<T> | AsyncIterable<T>;

export interface ChunkReader<T> {
  /** Up to `size` items; fewer (or none) only at the end of the input. */
  read(size: number): T[] | Promise<T[]>;
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
    read(size) {
      const chunk = items.slice(position, position + size);
      position += chunk.length;
      return chunk;
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
    read(size) {
      if (failure !== undefined) throw failure.error;
      const chunk: T[] = [];
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
        else chunk.push(step.value);
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
  let failure: { error: unknown } | undefined;
  return {
    async read(size) {
      if (failure !== undefined) throw failure.error;
      const chunk: T[] = [];
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
        else chunk.push(step.value);
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
