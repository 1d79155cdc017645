import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

// Deno's fork().send() fails asynchronously and breaks the channel: without a check before sending,
// an uncloneable argument crashed the parent and an uncloneable result hung the call.
for (const runtime of ['node', ...otherRuntimes] as const) {
  test(`${runtime}: uncloneable arguments and results on a process pool fail as ERR_TASK_SERIALIZATION, and the pool goes on`, async () => {
    const result = await runWith(runtime, fixtureScript('uncloneable.mjs'), [], { killAfterMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(report(result), {
      argument: { code: 'ERR_TASK_SERIALIZATION', index: 0 },
      result: { code: 'ERR_TASK_SERIALIZATION', index: 0 },
      mapResult: { code: 'ERR_TASK_SERIALIZATION', index: 1 },
      afterwards: { value: 'fine' },
    });
  });
}
