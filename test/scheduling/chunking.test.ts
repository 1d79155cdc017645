import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseChunkSizer, type ChunkSizer } from '../../src/scheduling/chunking.js';

/** Sizes handed out until `length` items are covered, recording `msPerItem` for each chunk. */
function plan(sizer: ChunkSizer, length: number, msPerItem?: number): number[] {
  const sizes: number[] = [];
  for (let left = length; left > 0; ) {
    const size = Math.min(sizer.next(), left);
    sizes.push(size);
    left -= size;
    if (msPerItem !== undefined) sizer.record(size, size * msPerItem);
  }
  return sizes;
}

describe('chunk sizes', () => {
  it('an explicit chunksize is used as it is', () => {
    assert.deepEqual(plan(chooseChunkSizer(7, 20, 2), 20), [7, 7, 6]);
  });

  it("known length: starts at Python's ceil(n / (4 × workers)) and shrinks toward the end", () => {
    const sizes = plan(chooseChunkSizer(undefined, 2000, 2), 2000);
    assert.equal(sizes[0], 250);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! <= sizes[i - 1]!, `chunk ${i} is not larger than the one before`);
    assert.equal(sizes.at(-1), 1, 'the last chunks are single items, so workers finish together');
    assert.ok(sizes.length < 80, `few messages all the same (${sizes.length} chunks)`);
  });

  it('known length: measured durations keep late chunks at a few milliseconds of work', () => {
    // 1 µs per item: chunks never drop below about 5 ms of work, so a million items take few messages.
    const sizes = plan(chooseChunkSizer(undefined, 1_000_000, 2), 1_000_000, 0.001);
    assert.equal(sizes[0], 125_000);
    assert.ok(Math.min(...sizes.slice(0, -1)) >= 4_000, 'no tiny chunks except the very last');
    assert.ok(sizes.length < 60, `${sizes.length} chunks`);
  });

  it('unknown length: starts at 1 and grows at most fourfold a step toward about 5 ms of work', () => {
    const sizer = chooseChunkSizer(undefined, undefined, 2);
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const size = sizer.next();
      sizes.push(size);
      sizer.record(size, size * 0.01); // 10 µs per item: 500 items make 5 ms
    }
    assert.deepEqual(sizes, [1, 4, 16, 64, 256, 500, 500, 500]);
    sizer.record(500, 500 * 1); // the tasks became slow: 1 ms each
    assert.equal(sizer.next(), 5);
  });
});
