import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withPool } from '../helpers.js';
import { estimateBytes } from '../../src/scheduling/byte-size.js';
import { chunkReader } from '../../src/scheduling/input.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const itemBytes = 100_000;
const documentedDefault = 16 * 1024 * 1024;
const run = promisify(execFile);

/** 100 KB items, counting how many were produced; bounded, so that a regression cannot exhaust the machine. */
function largeItems(counter: { produced: number }, limit: number): Generator<Uint8Array> {
  return (function* produce() {
    while (counter.produced < limit) {
      const item = new Uint8Array(itemBytes);
      item[0] = counter.produced++ % 251;
      yield item;
    }
  })();
}

describe('read-ahead is bounded by bytes as well as by count', () => {
  const rssBound = 'imap over 100 KB items with a slow consumer stays under 300 MB RSS and the default highWaterMark';
  it(rssBound, { skip: unsupportedOn({ deno: reasons.denoRss }, rssBound) }, async () => {
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./fixtures/read-ahead.mjs', import.meta.url))], { timeout: 120_000 });
    const { maxAhead, maxRss } = JSON.parse(stdout) as { maxAhead: number; maxRss: number };
    assert.ok(maxRss < 300 * 2 ** 20, `RSS reached ${(maxRss / 2 ** 20).toFixed(0)} MB`);
    assert.ok(maxAhead * itemBytes <= documentedDefault + 2 * itemBytes, `read ${maxAhead} items ahead`);
  });

  it('highWaterMark lowers the bound, for imap, imapUnordered and map', async () => {
    await withPool(2, async (pool) => {
      for (const method of ['imap', 'imapUnordered'] as const) {
        const counter = { produced: 0 };
        let consumed = 0;
        let maxAhead = 0;
        for await (const length of pool[method]((bytes: Uint8Array) => bytes.length, largeItems(counter, 400), { highWaterMark: 1_000_000 })) {
          assert.equal(length, itemBytes);
          consumed++;
          maxAhead = Math.max(maxAhead, counter.produced - consumed);
        }
        assert.equal(consumed, 400);
        assert.ok(maxAhead * itemBytes <= 1_000_000 + 2 * itemBytes, `${method} read ${maxAhead} items ahead`);
      }
      const counter = { produced: 0 };
      const seen: number[] = [];
      const lengths = await pool.map((bytes: Uint8Array) => bytes.length, largeItems(counter, 300), {
        highWaterMark: 1_000_000,
        onProgress: ({ done }) => seen.push(counter.produced - done),
      });
      assert.equal(lengths.length, 300);
      assert.ok(Math.max(...seen) * itemBytes <= 1_000_000 + 2 * itemBytes, `map read ${Math.max(...seen)} items ahead`);
    });
  });

  it('highWaterMark is checked', async () => {
    await withPool(1, async (pool) => {
      await assert.rejects(pool.map((x: number) => x, [1], { highWaterMark: 0 }), { name: 'RangeError', message: /highWaterMark must be a number of bytes >= 1/ });
      await assert.rejects(pool.map((x: number) => x, [1], { highWaterMark: '1MB' as never }), { name: 'TypeError', message: /highWaterMark must be a number of bytes, got the string "1MB"/ });
      assert.deepEqual(await pool.map((x: number) => x, [1, 2], { highWaterMark: Infinity }), [1, 2]);
    });
  });

  it('estimates buffers, strings and collections, sampling large ones', () => {
    assert.equal(estimateBytes(new Uint8Array(1000)), 1000);
    assert.equal(estimateBytes(new ArrayBuffer(64)), 64);
    assert.ok(estimateBytes('x'.repeat(1000)) >= 1000);
    assert.ok(estimateBytes({ a: new Float64Array(100), b: [new Uint8Array(50)] }) >= 850);
    const big = Array.from({ length: 10_000 }, () => new Uint8Array(10));
    assert.ok(Math.abs(estimateBytes(big) - 100_000) < 1000, 'sampled, then scaled to the length');
    assert.ok(estimateBytes(new Map([[1, new Uint8Array(500)]])) >= 500);
    assert.ok(estimateBytes(new Int32Array(new SharedArrayBuffer(4000))) < 100, 'shared memory is not copied');
  });

  it('cuts a chunk of an array at the byte bound by a sample, without measuring every item', async () => {
    const reader = chunkReader(Array.from({ length: 100 }, () => new Uint8Array(itemBytes)));
    const first = await reader.read(50, 1_000_000);
    assert.equal(first.items.length, 10);
    assert.equal(first.bytes, 10 * itemBytes);
    assert.equal((await reader.read(50, 1)).items.length, 1, 'at least one item');
    assert.equal((await reader.read(200, Infinity)).items.length, 89, 'the rest, unmeasured');
  });
});
