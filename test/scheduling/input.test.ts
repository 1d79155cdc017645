import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkReader } from '../../dist/scheduling/input.js';

function* failingAfter(count: number, error: Error): Generator<number> {
  for (let i = 0; i < count; i++) yield i;
  throw error;
}

async function* failingAfterAsync(count: number, error: Error): AsyncGenerator<number> {
  yield* failingAfter(count, error);
}

for (const [kind, make] of [
  ['sync', failingAfter],
  ['async', failingAfterAsync],
] as const) {
  describe(`reading a ${kind} iterator in chunks`, () => {
    it('returns the items before a throw first, and throws at the next read, and at every read after', async () => {
      const boom = new Error('boom');
      const reader = chunkReader<number>(make(3, boom));
      assert.deepEqual(await reader.read(2, Infinity), { items: [0, 1], bytes: 0 });
      assert.deepEqual(await reader.read(10, Infinity), { items: [2], bytes: 0 });
      await assert.rejects(async () => reader.read(10, Infinity), boom);
      await assert.rejects(async () => reader.read(10, Infinity), boom);
    });

    it('throws at once when the iterator throws before its first item', async () => {
      const boom = new Error('at once');
      await assert.rejects(async () => chunkReader<number>(make(0, boom)).read(5, Infinity), boom);
    });

    it('stops a chunk once its estimated bytes reach maxBytes, and reads one item at least', async () => {
      const words = ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)];
      const reader = chunkReader<string>(kind === 'sync' ? words.values() : (async function* () { yield* words; })());
      const first = await reader.read(10, 200);
      assert.deepEqual(first.items, [words[0], words[1]]);
      assert.equal(first.bytes, 2 * (16 + 100));
      assert.deepEqual((await reader.read(10, 1)).items, [words[2]], 'one item even when it alone is over the bound');
      assert.deepEqual(await reader.read(10, 1), { items: [], bytes: 0 }, 'the end of the input is an empty chunk');
    });

    it('close() stops the iterator early, and only once', async () => {
      let returns = 0;
      const iterator = {
        next: () => ({ done: false, value: 1 }),
        return: () => {
          returns++;
          return { done: true, value: undefined };
        },
      };
      const input = kind === 'sync' ? { [Symbol.iterator]: () => iterator } : { [Symbol.asyncIterator]: () => ({ next: async () => iterator.next(), return: async () => iterator.return() }) };
      const reader = chunkReader<number>(input as Iterable<number>);
      assert.deepEqual((await reader.read(2, Infinity)).items, [1, 1]);
      await reader.close();
      await reader.close();
      assert.equal(returns, 1);
    });
  });
}
