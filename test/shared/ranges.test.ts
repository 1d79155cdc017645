import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitRange } from '../../dist/shared/ranges.js';

describe('splitRange()', () => {
  it('covers [0, length) with contiguous ranges whose sizes differ by at most one', () => {
    for (const length of [1, 2, 3, 7, 10, 100, 1001]) {
      for (const chunks of [1, 2, 3, 4, 8, 16]) {
        const ranges = splitRange(length, chunks);
        assert.equal(ranges.length, Math.min(chunks, length));
        assert.equal(ranges[0]![0], 0);
        assert.equal(ranges.at(-1)![1], length);
        for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1], 'contiguous');
        const sizes = ranges.map(([start, end]) => end - start);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `balanced: ${sizes}`);
        assert.ok(sizes.every((size) => size > 0), 'no empty range');
      }
    }
  });

  it('puts the larger ranges first', () => {
    assert.deepEqual(splitRange(10, 3), [[0, 4], [4, 7], [7, 10]]);
  });

  it('gives one empty range for a length of 0', () => {
    assert.deepEqual(splitRange(0, 4), [[0, 0]]);
  });
});
