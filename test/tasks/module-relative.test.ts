import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends, withPool } from '../helpers.js';

for (const backend of backends) {
  describe(`inline tasks mean their own module by relative paths (${backend})`, () => {
    it('import() of a relative path resolves against the module that called the pool', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply(async (x: number) => (await import('./fixtures/helper.mjs')).twice(x), [21]), 42);
        assert.deepEqual(await pool.map(async (x: number) => (await import('./fixtures/helper.mjs')).twice(x), [1, 2]), [2, 4]);
        const seen: number[] = [];
        for await (const value of pool.imap(async (x: number) => (await import('./fixtures/helper.mjs')).twice(x), [5])) seen.push(value);
        assert.deepEqual(seen, [10]);
        assert.equal(await pool.apply(async () => (await import('node:path')).sep), '/', 'bare specifiers are untouched');
      });
    });

    it('import.meta is the calling module: url, filename, dirname and resolve()', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const meta = await pool.apply(() => ({ url: import.meta.url, filename: import.meta.filename, dirname: import.meta.dirname, helper: import.meta.resolve('./fixtures/helper.mjs') }));
        assert.deepEqual(meta, {
          url: import.meta.url,
          filename: new URL(import.meta.url).pathname,
          dirname: new URL('.', import.meta.url).pathname.replace(/\/$/, ''),
          helper: new URL('./fixtures/helper.mjs', import.meta.url).href,
        });
      });
    });
  });
}
