import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

const refused = (variable: string) => ({ code: 'ERR_TASK_CAPTURE', variables: [variable] });

for (const runtime of ['node', ...otherRuntimes] as const) {
  test(`${runtime}: an inline function that uses outer variables is refused with ERR_TASK_CAPTURE (Bun: except const literals)`, async () => {
    const result = await runWith(runtime, fixtureScript('captures.mjs'));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(report(result), {
      // Bun's transpiler writes `x * 3` into the function's source: nothing is captured any more.
      literal: runtime === 'bun' ? 6 : refused('literal'),
      computed: refused('computed'),
      changing: refused('changing'),
    });
  });
}
