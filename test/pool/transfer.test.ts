import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transfer } from 'multicore';
import { withPool } from '../helpers.js';

describe('transfer()', () => {
  it('moves ArrayBuffers to the worker and back instead of copying them', async () => {
    await withPool(1, async (pool) => {
      const bytes = new Uint8Array(1024).fill(7);
      const result = await pool.apply(
        async (input: Uint8Array) => {
          const { transfer: back } = await import('multicore');
          const output = input.map((b) => b + 1);
          return back(output);
        },
        [transfer(bytes)],
      );
      assert.equal(bytes.byteLength, 0, 'the sender no longer owns the buffer');
      assert.equal(result.length, 1024);
      assert.equal(result[0], 8);
    });
  });

  it('asks for a transfer list when the value holds its buffers inside', () => {
    assert.throws(() => transfer({ a: 1 }), /give the list of ArrayBuffers/);
    const buffer = new ArrayBuffer(8);
    const wrapped = { buffer };
    assert.equal(transfer(wrapped, [buffer]), wrapped, 'the value itself is returned');
    assert.throws(() => transfer(5 as never), TypeError);
  });
});
