/** The Pool method suite over a backend written for the test (memory-backend.ts), through the registry. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Pool } from 'multicore';
import { useMemoryBackend } from './memory-backend.js';
import { describePoolMethods } from './method-suite.js';

const restore = useMemoryBackend();
after(restore);

describe('the in-memory backend', () => {
  it('is the one the registry hands the Pool: tasks run on the main thread', async () => {
    const pool = new Pool(2);
    try {
      const { threadId } = await import('node:worker_threads');
      assert.deepEqual(await pool.map(async () => (await import('node:worker_threads')).threadId, [1, 2]), [threadId, threadId]);
    } finally {
      await pool.terminate();
    }
  });
});

describePoolMethods('thread', 'in memory');
